package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.Budget;
import dev.switchboard.config.Limits;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestClock;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link LimiterContract} against a real Redis ({@link TestRedis}), plus what only a shared
 * limiter does: two instances (two Vert.x, two links, one Redis) count as one; an outage
 * ({@link PrivateRedis}) follows {@code redisFailure}; the keys carry TTLs.
 */
class RedisLimiterTest extends LimiterContract {

    private final List<SharedLimiterInstance> instances = new ArrayList<>();

    private SharedLimiterInstance instance(String url, String namespace) {
        return instance(url, namespace, RedisLimiter.Leases.DEFAULT);
    }

    private SharedLimiterInstance instance(String url, String namespace, RedisLimiter.Leases leases) {
        SharedLimiterInstance i = SharedLimiterInstance.start(url, namespace, clock, leases);
        instances.add(i);
        return i;
    }

    @Override
    protected Limiter newLimiter(TestClock clock) {
        return instance(TestRedis.get().url(), TestRedis.get().freshNamespace()).limiter();
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(SharedLimiterInstance::close);
    }

    /** {@code n} admissions, all in flight at once, alternately from each instance's event loop. */
    private static List<Admission> parallel(int n, List<Quota> quotas, Demand demand, SharedLimiterInstance... on) {
        List<Future<Admission>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SharedLimiterInstance at = on[i % on.length];
            all.add(Future.<Future<Admission>>future(p -> at.vertx().runOnContext(v -> p.complete(at.limiter().admit(quotas, demand))))
                    .compose(f -> f));
        }
        await(Future.join(all));
        return all.stream().map(Future::result).toList();
    }

    @Test
    void twoInstances_rpm50_of200ParallelAdmissions_admitExactly50() {
        String ns = TestRedis.get().freshNamespace();
        SharedLimiterInstance a = instance(TestRedis.get().url(), ns);
        SharedLimiterInstance b = instance(TestRedis.get().url(), ns);

        List<Admission> answers = parallel(200, List.of(limits("key:a", 50L, null, null, null)), Demand.NONE, a, b);

        assertThat(answers.stream().filter(x -> x instanceof Admission.Admitted).count()).isEqualTo(50);
        assertThat(answers.stream().filter(x -> x instanceof Admission.Denied d && !d.budget()).count()).isEqualTo(150);
        assertThat(a.fallbacks() + b.fallbacks()).as("every answer came from Redis").isZero();
    }

    @Test
    void twoInstances_overrunABudgetByAtMostOneReservation() {
        String ns = TestRedis.get().freshNamespace();
        SharedLimiterInstance a = instance(TestRedis.get().url(), ns);
        SharedLimiterInstance b = instance(TestRedis.get().url(), ns);
        Quota q = budget("key:a", 1.00, "monthly");

        List<Admission> answers = parallel(100, List.of(q), new Demand(0, 0.30), a, b);
        List<Admission> admitted = answers.stream().filter(x -> x instanceof Admission.Admitted).toList();
        assertThat(admitted).as("0, 0.30, 0.60, 0.90 reserved when admitted").hasSize(4);
        for (Admission x : admitted) settle(x, 0, 0.30);

        String hash = ns + "sb:limit:key:a:b";
        double spent = Double.parseDouble(await(a.link().send(Request.cmd(Command.HGET).arg(hash).arg("spent"))).toString());
        double reserved = Double.parseDouble(await(a.link().send(Request.cmd(Command.HGET).arg(hash).arg("reserved"))).toString());
        assertThat(spent).isCloseTo(1.20, within(1e-9)).isLessThanOrEqualTo(1.00 + 0.30);
        assertThat(reserved).isCloseTo(0, within(1e-9));
        assertThat(await(b.limiter().admit(List.of(q), new Demand(0, 0.01)))).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void close_givesBackWhatUnsettledRequestsHold_beforeTheLinkCloses() {
        String ns = TestRedis.get().freshNamespace();
        SharedLimiterInstance a = SharedLimiterInstance.start(TestRedis.get().url(), ns, clock); // closed by hand below
        SharedLimiterInstance b = instance(TestRedis.get().url(), ns);
        Quota q = new Quota("key:a", new Limits(null, null, null, 2, null), new Budget(1.00, "total"));
        // two requests in flight on a, cut by its shutdown: never settled by their exchanges
        assertThat(await(a.limiter().admit(List.of(q), new Demand(0, 0.60)))).isInstanceOf(Admission.Admitted.class);
        assertThat(await(a.limiter().admit(List.of(q), new Demand(0, 0.30)))).isInstanceOf(Admission.Admitted.class);
        assertThat(await(b.limiter().admit(List.of(q), new Demand(0, 0.01)))).as("both slots taken").isInstanceOf(Admission.Denied.class);

        a.close();

        String hash = ns + "sb:limit:key:a:b";
        assertThat(Double.parseDouble(await(b.link().send(Request.cmd(Command.HGET).arg(hash).arg("reserved"))).toString()))
                .as("a total budget's reservations, given back").isCloseTo(0, within(1e-9));
        assertThat(await(b.link().send(Request.cmd(Command.ZCARD).arg(ns + "sb:limit:key:a:c"))).toLong()).as("the slots").isZero();
        assertThat(await(b.limiter().admit(List.of(q), new Demand(0, 0.90)))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void whatAnInstanceKilledMidRequestHeld_isGivenBack_byTheOthers_onceItStopsLiving() {
        String ns = TestRedis.get().freshNamespace();
        RedisLimiter.Leases quick = new RedisLimiter.Leases(1_000, 200, 200);
        SharedLimiterInstance killed = SharedLimiterInstance.start(TestRedis.get().url(), ns, clock, quick); // never closed: it dies
        SharedLimiterInstance b = SharedLimiterInstance.start(TestRedis.get().url(), ns, clock, quick);
        instances.add(b);
        Quota q = new Quota("key:a", new Limits(null, null, null, 2, null), new Budget(1.00, "total"));
        assertThat(await(killed.limiter().admit(List.of(q), new Demand(0, 0.60)))).isInstanceOf(Admission.Admitted.class);
        assertThat(await(b.limiter().admit(List.of(q), new Demand(0, 0.30)))).isInstanceOf(Admission.Admitted.class);

        await(killed.vertx().close()); // SIGKILL: no settlement, no close; its liveness stops being renewed

        String hash = ns + "sb:limit:key:a:b";
        String slots = ns + "sb:limit:key:a:c";
        assertThat(Await.until(() -> await(b.link().send(Request.cmd(Command.ZCARD).arg(slots))).toLong() == 1, Duration.ofSeconds(10)))
                .as("the killed instance's slot is given back").isTrue();
        assertThat(Double.parseDouble(await(b.link().send(Request.cmd(Command.HGET).arg(hash).arg("reserved"))).toString()))
                .as("its reservation too; the living instance's stays").isCloseTo(0.30, within(1e-9));
        assertThat(await(b.limiter().admit(List.of(q), new Demand(0, 0.60)))).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aReservationGivenBackWhileItsInstanceWasCutOff_stillHasItsCostCounted_andUnannouncedHoldersAreLeftAlone() {
        String ns = TestRedis.get().freshNamespace();
        // a announces itself once (at link up), lasting 1 s, and renews only after a minute: cut off, as the others see it
        SharedLimiterInstance a = instance(TestRedis.get().url(), ns, new RedisLimiter.Leases(1_000, 60_000, 60_000));
        SharedLimiterInstance b = instance(TestRedis.get().url(), ns, new RedisLimiter.Leases(1_000, 200, 200));
        Quota q = new Quota("key:a", new Limits(null, null, null, 5, null), new Budget(1.00, "total"));
        Admission held = await(a.limiter().admit(List.of(q), new Demand(0, 0.50)));
        String hash = ns + "sb:limit:key:a:b";
        String slots = ns + "sb:limit:key:a:c";
        // a holder from a build that never announces itself (mid-upgrade): never taken for dead
        await(b.link().send(Request.cmd(Command.ZADD).arg(slots).arg(clock.millis()).arg("0ldbuild-1")));

        assertThat(Await.until(() -> await(b.link().send(Request.cmd(Command.ZCARD).arg(slots))).toLong() == 1, Duration.ofSeconds(10)))
                .as("a's slot given back, the unannounced holder's kept").isTrue();
        assertThat(await(b.link().send(Request.cmd(Command.ZSCORE).arg(slots).arg("0ldbuild-1")))).isNotNull();
        settle(held, 0, 0.40);
        assertThat(Double.parseDouble(await(b.link().send(Request.cmd(Command.HGET).arg(hash).arg("spent"))).toString()))
                .as("what the request cost, though its reservation was given back").isCloseTo(0.40, within(1e-9));
        assertThat(Double.parseDouble(await(b.link().send(Request.cmd(Command.HGET).arg(hash).arg("reserved"))).toString())).isCloseTo(0, within(1e-9));
    }

    @Test
    void everyKey_carriesATtl_butATotalBudgetDoesNot() {
        String ns = TestRedis.get().freshNamespace();
        SharedLimiterInstance a = instance(TestRedis.get().url(), ns);
        Quota key = new Quota("key:k", new Limits(10L, 1_000L, 100L, 5, null), new Budget(10.0, "daily"));
        Quota team = new Quota("team:t", null, new Budget(10.0, "total"));
        Admission admitted = await(a.limiter().admit(List.of(key, team), new Demand(10, 0.01)));
        String p = ns + "sb:limit:key:k:";
        long minute = 60_000;
        assertThat(pttl(a, p + "c")).isPositive().isLessThanOrEqualTo(RedisLimiter.CONCURRENCY_LEASE_MS + minute);
        settle(admitted, 5, 0.01);
        assertThat(pttl(a, p + "c")).as("the last slot released: the set is gone").isEqualTo(-2);
        assertThat(pttl(a, p + "m")).isPositive().isLessThanOrEqualTo(2 * minute);
        assertThat(pttl(a, p + "t")).as("the settled entry kept its log's TTL").isPositive().isLessThanOrEqualTo(2 * minute);
        assertThat(pttl(a, p + "tw")).isPositive().isLessThanOrEqualTo(2 * minute);
        assertThat(pttl(a, p + "d")).isPositive().isGreaterThan(86_400_000L).isLessThanOrEqualTo(86_400_000L + minute);
        assertThat(pttl(a, p + "b")).as("the clock says 12:00 UTC: the day ends in 12 h, plus an hour")
                .isPositive().isLessThanOrEqualTo(13 * 3_600_000L).isGreaterThan(12 * 3_600_000L);
        assertThat(pttl(a, ns + "sb:limit:team:t:b")).as("a total budget never resets").isEqualTo(-1);
        assertThat(pttl(a, ns + "sb:limit:team:t:m")).as("nothing counted where nothing is limited").isEqualTo(-2);
    }

    private static long pttl(SharedLimiterInstance i, String key) {
        return await(i.link().send(Request.cmd(Command.PTTL).arg(key))).toLong();
    }

    @Test
    void redisDown_withRedisFailureOpen_localLimitsApply_andRedisBack_sharesAgain() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            SharedLimiterInstance a = instance(redis.url(), "open:");
            Quota q = limits("key:a", 2L, 1_000L, null, 5);
            Admission viaRedis = await(a.limiter().admit(List.of(q), new Demand(10, 0)));
            assertThat(viaRedis).isInstanceOf(Admission.Admitted.class);
            assertThat(a.limiter().mode()).isEqualTo("redis");

            redis.stop();
            // the first call may race the link noticing: it fails over either way
            assertThat(await(a.limiter().admit(List.of(q), new Demand(10, 0)))).isInstanceOf(Admission.Admitted.class);
            assertThat(await(a.limiter().admit(List.of(q), new Demand(10, 0)))).as("local counts start at 0").isInstanceOf(Admission.Admitted.class);
            assertThat(await(a.limiter().admit(List.of(q), new Demand(10, 0)))).as("the local rpm applies").isInstanceOf(Admission.Denied.class);
            assertThat(a.limiter().mode()).isEqualTo("local-fallback");
            assertThat(a.fallbacks()).as("one outage, counted once").isEqualTo(1);
            settle(viaRedis, 5, 0); // admitted by Redis, settled in the outage: dropped, not thrown

            redis.restart(); // empty: no persistence
            assertThat(Await.until(() -> a.link().up(), Duration.ofSeconds(15))).isTrue();
            assertThat(await(a.limiter().admit(List.of(q), new Demand(10, 0)))).isInstanceOf(Admission.Admitted.class);
            assertThat(a.limiter().mode()).isEqualTo("redis");
            assertThat(await(a.link().send(Request.cmd(Command.ZCARD).arg("open:sb:limit:key:a:m"))).toLong())
                    .as("counted in Redis again").isEqualTo(1);
            assertThat(a.fallbacks()).isEqualTo(1);
        }
    }

    @Test
    void redisDown_withRedisFailureOpen_budgetsCountFromTheStoresSpend_readAgainWhenTheOutageBegins() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            SharedLimiterInstance a = instance(redis.url(), "reread:");
            Quota total = budget("key:a", 1.00, "total");
            // what the last periodic read found: nothing spent; since then the key spent 0.95 (on any instance)
            AtomicInteger reads = new AtomicInteger();
            a.limiter().rereadStoredSpendOnOutage(() -> Future.<Void>future(p -> a.vertx().setTimer(200, t -> {
                reads.incrementAndGet();
                a.limiter().storedSpend(Map.of("key:a", new StoredSpend(BudgetPeriod.TOTAL, 0, 0.95)));
                p.complete();
            })));
            assertThat(await(a.limiter().admit(List.of(total), new Demand(0, 0.01)))).isInstanceOf(Admission.Admitted.class);

            redis.stop();
            // once the link knows (else the first call may still reach the dying server)
            assertThat(Await.until(() -> !a.link().up(), Duration.ofSeconds(10))).isTrue();
            assertThat(await(a.limiter().admit(List.of(total), new Demand(0, 0.05)))).as("0.95 read again < 1.00")
                    .isInstanceOf(Admission.Admitted.class);
            assertThat(await(a.limiter().admit(List.of(total), new Demand(0, 0.05)))).as("0.95 + 0.05 reserved, not the old figure, 0")
                    .isInstanceOf(Admission.Denied.class);
            assertThat(reads.get()).as("read once, when the outage began").isEqualTo(1);
        }
    }

    @Test
    void redisDown_withRedisFailureClosed_isUnavailable() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            SharedLimiterInstance a = instance(redis.url(), "closed:");
            a.failOpen().set(false);
            Quota q = limits("key:a", 100L, null, null, null);
            assertThat(await(a.limiter().admit(List.of(q), Demand.NONE))).isInstanceOf(Admission.Admitted.class);

            redis.stop();
            assertThat(await(a.limiter().admit(List.of(q), Demand.NONE))).isInstanceOf(Admission.Unavailable.class);
            assertThat(await(a.limiter().admit(List.of(q), Demand.NONE))).isInstanceOf(Admission.Unavailable.class);
            assertThat(a.fallbacks()).isEqualTo(1);
            assertThat(await(a.limiter().admit(List.of(), Demand.NONE))).as("a caller without limits needs no Redis")
                    .isInstanceOf(Admission.Admitted.class);
        }
    }

    @Test
    void aFlushedScriptCache_isReloadedOnNoscript() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            SharedLimiterInstance a = instance(redis.url(), "");
            Quota q = limits("key:a", 2L, 100L, null, null);
            Admission first = await(a.limiter().admit(List.of(q), new Demand(10, 0)));
            await(a.link().send(Request.cmd(Command.SCRIPT).arg("FLUSH")));

            settle(first, 50, 0);
            Admission.Admitted second = (Admission.Admitted) await(a.limiter().admit(List.of(q), new Demand(10, 0)));
            assertThat(second.headers().remainingTokens()).as("the settlement ran too").isEqualTo(100 - 50 - 10);
            assertThat(a.fallbacks()).isZero();
        }
    }

    /** The HTTP server runs in strict thread mode: a caller on an event loop must get its answer on that event loop. */
    @Test
    void futures_completeOnTheCallersContext() {
        SharedLimiterInstance a = instance(TestRedis.get().url(), TestRedis.get().freshNamespace());
        Context caller = a.vertx().getOrCreateContext();
        Quota q = limits("key:a", 10L, 100L, null, 2);
        List<Boolean> onCaller = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(Future.<Void>future(p -> caller.runOnContext(v -> a.limiter().admit(List.of(q), new Demand(5, 0))
                .onComplete(ar -> onCaller.add(Vertx.currentContext() == caller))
                .compose(x -> ((Admission.Admitted) x).ticket().settle(5, 0))
                .onComplete(ar -> {
                    onCaller.add(Vertx.currentContext() == caller);
                    p.complete();
                }))));
        assertThat(onCaller).containsExactly(true, true);
    }
}
