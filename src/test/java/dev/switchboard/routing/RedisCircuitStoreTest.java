package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.observe.Metrics;
import dev.switchboard.redis.RedisLink;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract against a real Redis ({@link TestRedis}: the shared 7.x server when there is one,
 * else an embedded 6.2), plus what only a shared store does: two instances (two Vert.x, two
 * links, one Redis) see each other's changes and agree on one probe; an outage ({@link PrivateRedis},
 * 6.2) puts the store in local-fallback without failing a call, and the return of Redis ends it.
 */
class RedisCircuitStoreTest extends CircuitStoreContract {

    private final List<Instance> instances = new ArrayList<>();

    /** One gateway's worth of the store: its own Vert.x, link and metrics. */
    record Instance(Vertx vertx, RedisLink link, RedisCircuitStore store, Metrics metrics) implements AutoCloseable {

        static Instance start(String url, String namespace) {
            Vertx vertx = Vertx.vertx();
            RedisLink link = new RedisLink(vertx, URI.create(url));
            Metrics metrics = new Metrics();
            RedisCircuitStore store = new RedisCircuitStore(link, RedisCircuitStore.Names.under(namespace), metrics);
            boolean synced = await(link.start().compose(up -> up ? store.firstSync() : Future.succeededFuture(false)));
            if (!synced) store.startedWithoutRedis();
            return new Instance(vertx, link, store, metrics);
        }

        long fallbacks() {
            return metrics.counter("switchboard_circuit_store_fallback_total", "-").get();
        }

        @Override
        public void close() {
            store.close();
            link.close();
            await(vertx.close());
        }
    }

    private Instance instance(String url, String namespace) {
        Instance i = Instance.start(url, namespace);
        instances.add(i);
        return i;
    }

    @Override
    protected CircuitStore newStore() {
        return instance(TestRedis.get().url(), TestRedis.get().freshNamespace()).store();
    }

    @Override
    protected String healthyMode() {
        return "redis";
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(Instance::close);
    }

    @Test
    void aCircuitOpenedByOneInstance_isSeenByTheOthersState_throughPubSub() {
        String ns = TestRedis.get().freshNamespace();
        Instance a = instance(TestRedis.get().url(), ns);
        Instance b = instance(TestRedis.get().url(), ns);
        CircuitPolicy once = new CircuitPolicy(1, 60_000, 1_000, 8_000, 2_000);

        CircuitState opened = await(a.store().failure(KEY, once, T0));

        assertThat(opened.openUntilMs()).isEqualTo(T0 + 1_000);
        assertThat(Await.until(() -> b.store().state(KEY).equals(opened), Duration.ofSeconds(5)))
                .as("b sees a's opening without writing anything itself; b has %s", b.store().state(KEY)).isTrue();

        // and back: b's successful probe closes the circuit for a
        assertThat(await(b.store().claimProbe(KEY, once, T0 + 1_000))).isTrue();
        assertThat(await(b.store().success(KEY, once, T0 + 1_100))).isEqualTo(CircuitState.CLOSED);
        assertThat(Await.until(() -> a.store().state(KEY).clean(), Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void concurrentClaimsFromTwoInstances_exactlyOneWins() {
        String ns = TestRedis.get().freshNamespace();
        Instance a = instance(TestRedis.get().url(), ns);
        Instance b = instance(TestRedis.get().url(), ns);
        CircuitPolicy once = new CircuitPolicy(1, 60_000, 1_000, 8_000, 2_000);
        await(a.store().failure(KEY, once, T0));
        assertThat(Await.until(() -> b.store().state(KEY).openUntilMs() == T0 + 1_000, Duration.ofSeconds(5))).isTrue();

        List<Future<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // from each instance's event loop, interleaved, all in flight at once
            Instance on = i % 2 == 0 ? a : b;
            long now = T0 + 1_000 + i;
            claims.add(Future.<Future<Boolean>>future(p -> on.vertx().runOnContext(v -> p.complete(on.store().claimProbe(KEY, once, now))))
                    .compose(f -> f));
        }
        await(Future.join(claims));

        assertThat(claims.stream().filter(Future::result).count()).isEqualTo(1);
    }

    /**
     * The Lua twin against {@link CircuitPolicy} itself, step by step over a long seeded random run
     * of every operation, with times that land inside and beyond windows, cooldowns and leases.
     */
    @Test
    void theScript_makesTheSameTransitionsAsCircuitPolicy_overARandomRun() {
        long seed = 20_261_121L;
        java.util.Random random = new java.util.Random(seed);
        long[] steps = {0, 1, 5, 400, 999, 1_000, 1_001, 2_000, 4_000, 8_000, 59_999, 60_000};
        String[] keys = {KEY, "dom:acct-1"};
        java.util.Map<String, CircuitState> model = new java.util.HashMap<>();
        long now = T0;
        for (int i = 0; i < 600; i++) {
            now += steps[random.nextInt(steps.length)];
            String key = keys[random.nextInt(keys.length)];
            CircuitState before = model.getOrDefault(key, CircuitState.CLOSED);
            int op = random.nextInt(10);
            long retryAfter = random.nextBoolean() ? 0 : 1_500;
            String what = "step " + i + " (seed " + seed + "), op " + op + " at +" + (now - T0) + " on " + key + " from " + before;
            CircuitState expected;
            if (op <= 2) {
                CircuitState next = POLICY.claimProbe(before, now);
                assertThat(await(store.claimProbe(key, POLICY, now))).as(what).isEqualTo(next != null);
                expected = next != null ? next : before;
            } else {
                expected = switch (op) {
                    case 3, 4, 5 -> POLICY.failure(before, now);
                    case 6, 7 -> POLICY.success(before, now);
                    case 8 -> POLICY.throttle(before, now, retryAfter);
                    default -> POLICY.quarantine(before, now);
                };
                CircuitState got = switch (op) {
                    case 3, 4, 5 -> await(store.failure(key, POLICY, now));
                    case 6, 7 -> await(store.success(key, POLICY, now));
                    case 8 -> await(store.throttle(key, POLICY, now, retryAfter));
                    default -> await(store.quarantine(key, POLICY, now));
                };
                assertThat(got).as(what).isEqualTo(expected);
            }
            model.put(key, expected);
            assertThat(store.state(key)).as(what).isEqualTo(expected);
        }
    }

    /** The HTTP server runs in strict thread mode: a caller on an event loop must get its answer on that event loop. */
    @Test
    void futures_completeOnTheCallersContext() {
        Instance a = instance(TestRedis.get().url(), TestRedis.get().freshNamespace());
        io.vertx.core.Context caller = a.vertx().getOrCreateContext();
        List<Boolean> onCaller = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(Future.<Void>future(p -> caller.runOnContext(v -> Future.all(
                        a.store().failure(KEY, POLICY, T0).onComplete(ar -> onCaller.add(Vertx.currentContext() == caller)),
                        a.store().claimProbe(KEY, POLICY, T0).onComplete(ar -> onCaller.add(Vertx.currentContext() == caller)))
                .onComplete(ar -> p.complete()))));

        assertThat(onCaller).containsExactly(true, true);
        assertThat(a.store().mode()).isEqualTo("redis");
    }

    @Test
    void aCircuitHash_carriesATtl_andDisappearsWhenClean() {
        String ns = TestRedis.get().freshNamespace();
        Instance a = instance(TestRedis.get().url(), ns);
        open(a.store(), KEY, T0);
        String hash = ns + "sb:circuit:" + KEY;

        long ttl = await(a.link().send(Request.cmd(Command.PTTL).arg(hash))).toLong();
        assertThat(ttl).isPositive().isLessThanOrEqualTo(8_000 + 60_000 + 2_000 + 60_000);

        assertThat(await(a.store().claimProbe(KEY, POLICY, T0 + 1_000))).isTrue();
        await(a.store().success(KEY, POLICY, T0 + 1_001));
        assertThat(await(a.link().send(Request.cmd(Command.EXISTS).arg(hash))).toInteger()).isZero();
    }

    @Test
    void aFlushedScriptCache_isReloadedOnNoscript() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            Instance a = instance(redis.url(), "");
            await(a.store().failure(KEY, POLICY, T0));
            await(a.link().send(Request.cmd(Command.SCRIPT).arg("FLUSH")));

            assertThat(await(a.store().failure(KEY, POLICY, T0 + 1))).isEqualTo(new CircuitState(2, T0, 0, 0, 0));
            assertThat(await(a.link().send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(RedisCircuitStore.SCRIPT_SHA))).get(0).toInteger())
                    .isEqualTo(1);
            assertThat(a.store().mode()).isEqualTo("redis");
        }
    }

    @Test
    void redisDown_fallsBackToLocalState_withoutFailingACall_andRedisBack_sharesItAgain() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            String ns = "outage:";
            Instance a = instance(redis.url(), ns);
            assertThat(a.store().mode()).isEqualTo("redis");
            assertThat(a.fallbacks()).isZero();
            await(a.store().failure(KEY, POLICY, T0));

            redis.stop();
            // a write racing the outage (before or after the link notices) still applies, locally if need be
            assertThat(await(a.store().failure(KEY, POLICY, T0 + 1))).isEqualTo(new CircuitState(2, T0, 0, 0, 0));
            assertThat(Await.until(() -> a.store().mode().equals("local-fallback"), Duration.ofSeconds(10))).isTrue();
            assertThat(a.link().up()).isFalse();
            assertThat(a.fallbacks()).isEqualTo(1);

            String other = "dep:dep_2:def456";
            CircuitState opened = open(a.store(), other, T0 + 2);
            assertThat(opened).isEqualTo(new CircuitState(0, 0, T0 + 2 + 1_000, 1, 0));
            assertThat(a.store().state(other)).isEqualTo(opened);
            assertThat(await(a.store().claimProbe(other, POLICY, T0 + 1_002))).isTrue();
            assertThat(await(a.store().failure(other, POLICY, T0 + 1_003))).isEqualTo(new CircuitState(0, 0, T0 + 1_003 + 2_000, 2, 0));

            redis.restart(); // empty: no persistence
            assertThat(Await.until(() -> a.store().mode().equals("redis"), Duration.ofSeconds(15))).isTrue();
            assertThat(a.link().up()).isTrue();
            assertThat(a.fallbacks()).as("one outage, counted once").isEqualTo(1);

            // the circuit opened during the outage went to Redis with the resync: a newcomer's probe sees it open
            Instance b = instance(redis.url(), ns);
            assertThat(await(b.store().claimProbe(other, POLICY, T0 + 3_002))).isFalse();
            assertThat(await(b.store().claimProbe(other, POLICY, T0 + 3_003))).isTrue();
            assertThat(Await.until(() -> a.store().state(other).probeUntilMs() == T0 + 3_003 + 2_000, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void noRedisAtStart_isAnOutageFromTheStart_andItsArrivalEndsIt() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            Instance a = instance(redis.url(), "late:");
            assertThat(a.store().mode()).isEqualTo("local-fallback");
            assertThat(a.fallbacks()).isEqualTo(1);
            assertThat(open(a.store(), KEY, T0).openUntilMs()).isEqualTo(T0 + 1_000);

            redis.restart();
            assertThat(Await.until(() -> a.store().mode().equals("redis"), Duration.ofSeconds(15))).isTrue();
            assertThat(a.store().state(KEY).openUntilMs()).isEqualTo(T0 + 1_000);
        }
    }

    private static CircuitState open(CircuitStore store, String key, long nowMs) {
        CircuitState s = null;
        for (int i = 0; i < POLICY.allowedFails(); i++) s = await(store.failure(key, POLICY, nowMs));
        return s;
    }
}
