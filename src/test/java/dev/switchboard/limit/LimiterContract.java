package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.Budget;
import dev.switchboard.config.Limits;
import dev.switchboard.testing.TestClock;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Limiter} does, whatever holds the counts: {@link LocalLimiterTest} runs it in
 * process, {@link RedisLimiterTest} against the shared Redis and {@link RedisLimiterOn62Test}
 * against an embedded Redis 6.2. Limit and budget arithmetic on a clock the test moves: nothing
 * sleeps, and every settlement is awaited before the next admission.
 */
abstract class LimiterContract {

    protected final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
    protected Limiter limiter;

    /** A new, empty limiter on {@code clock} (for Redis: in a namespace of its own). */
    protected abstract Limiter newLimiter(TestClock clock);

    @BeforeEach
    void openLimiter() {
        limiter = newLimiter(clock);
    }

    @AfterEach
    void closeLimiter() {
        limiter.close();
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the limiter's future did not complete: " + e, e);
        }
    }

    static Quota limits(String scope, Long rpm, Long tpm, Long rpd, Integer maxConcurrent) {
        return new Quota(scope, new Limits(rpm, tpm, rpd, maxConcurrent, null), null);
    }

    static Quota budget(String scope, double maxUsd, String period) {
        return new Quota(scope, null, new Budget(maxUsd, period));
    }

    static void settle(Admission a, long tokens, double usd) {
        await(((Admission.Admitted) a).ticket().settle(tokens, usd));
    }

    Admission admit(Demand demand, Quota... quotas) {
        return await(limiter.admit(List.of(quotas), demand));
    }

    Admission admit(Quota... quotas) {
        return admit(Demand.NONE, quotas);
    }

    @Test
    void rpm_admitsABurstOfN_thenWaitsForTheOldestToLeaveTheWindow() {
        Quota q = limits("key:a", 3L, null, null, null);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
        clock.advanceMillis(10_000);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
        Admission denied = admit(q);
        assertThat(denied).isInstanceOf(Admission.Denied.class);
        assertThat(((Admission.Denied) denied).retryAfterMs()).as("the first request leaves the window 60 s after it").isEqualTo(50_000);
        assertThat(((Admission.Denied) denied).budget()).isFalse();

        clock.advanceMillis(49_999);
        assertThat(admit(q)).as("any 60-second window holds at most N").isInstanceOf(Admission.Denied.class);
        clock.advanceMillis(1);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
        assertThat(admit(q)).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void rpd_countsADay() {
        Quota q = limits("key:a", null, null, 2L, null);
        admit(q);
        clock.advanceMillis(3_600_000);
        admit(q);
        assertThat(((Admission.Denied) admit(q)).retryAfterMs()).isEqualTo(86_400_000 - 3_600_000);
        clock.advanceMillis(86_400_000 - 3_600_000);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void tpm_admitsWhileUsedAndReservedAreBelowTheLimit_andSettlementGivesBackTheUnusedReservation() {
        Quota q = limits("key:a", null, 1_000L, null, null);
        Admission.Admitted first = (Admission.Admitted) admit(new Demand(900, 0), q);
        assertThat(first.headers().remainingTokens()).isEqualTo(100);
        Admission.Admitted second = (Admission.Admitted) admit(new Demand(900, 0), q);
        assertThat(second.headers().remainingTokens()).as("the last admitted may overrun").isEqualTo(-800);
        assertThat(admit(new Demand(1, 0), q)).isInstanceOf(Admission.Denied.class);

        settle(first, 50, 0);
        settle(second, 50, 0);
        Admission.Admitted third = (Admission.Admitted) admit(new Demand(10, 0), q);
        assertThat(third.headers().remainingTokens()).isEqualTo(1_000 - 50 - 50 - 10);
    }

    @Test
    void settlingTwice_countsOnce() {
        Quota q = limits("key:a", null, 100L, null, 1);
        Admission.Admitted a = (Admission.Admitted) admit(new Demand(10, 0), q);
        settle(a, 20, 0);
        settle(a, 0, 0);
        Admission.Admitted b = (Admission.Admitted) admit(new Demand(10, 0), q);
        assertThat(b.headers().remainingTokens()).isEqualTo(100 - 20 - 10);
    }

    @Test
    void maxConcurrent_admitsUpToTheCap_andAReleaseMakesRoom() {
        Quota q = limits("key:a", null, null, null, 2);
        Admission.Admitted a = (Admission.Admitted) admit(q);
        admit(q);
        assertThat(admit(q)).isInstanceOf(Admission.Denied.class);
        settle(a, 0, 0);
        assertThat(admit(q)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void budget_admitsWhileSpentPlusReservedIsBelowTheMaximum() {
        Quota q = budget("key:a", 1.00, "total");
        Admission.Admitted a = (Admission.Admitted) admit(new Demand(0, 0.60), q);
        Admission.Admitted b = (Admission.Admitted) admit(new Demand(0, 0.60), q);
        Admission.Denied held = (Admission.Denied) admit(new Demand(0, 0.01), q);
        assertThat(held.budget()).isTrue();
        assertThat(held.held()).as("nothing is spent yet: two requests in flight hold it").isTrue();
        assertThat(held.retryAfterMs()).as("they settle as they end").isEqualTo(Admission.Denied.HELD_RETRY_MS);

        settle(a, 0, 0.10); // actual cost far below the reservation: room again
        settle(b, 0, 0.20);
        assertThat(admit(new Demand(0, 0.60), q)).isInstanceOf(Admission.Admitted.class);
        assertThat(admit(new Demand(0, 0.60), q)).as("0.30 spent + 0.60 reserved < 1.00").isInstanceOf(Admission.Admitted.class);
        assertThat(admit(new Demand(0, 0.60), q)).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void aSpentBudget_isSpent_notHeld_andATotalOneNeverResets() {
        Quota q = budget("key:s", 1.00, "total");
        settle(admit(new Demand(0, 0.50), q), 0, 1.00);
        Admission.Denied spent = (Admission.Denied) admit(new Demand(0, 0.01), q);
        assertThat(spent.budget()).isTrue();
        assertThat(spent.held()).isFalse();
        assertThat(spent.retryAfterMs()).as("a total budget never resets").isEqualTo(-1);
    }

    @Test
    void aBudgetOfExactlyKRequests_admitsK_thoughItsSumDriftsInFloatingPoint() {
        // 200 × 15e-6 adds up to 0.0029999999999999914, under 0.003 by a hair: a 201st was admitted
        Quota q = budget("key:k", 0.003, "total");
        int admitted = 0;
        for (int i = 0; i < 210; i++) {
            Admission a = admit(new Demand(0, 15e-6), q);
            if (!(a instanceof Admission.Admitted)) break;
            admitted++;
            settle(a, 0, 15e-6);
        }
        assertThat(admitted).isEqualTo(200);
    }

    @Test
    void aBudget_neverCountsLessThanTheStoredSpendOfItsPeriod() {
        long now = clock.millis();
        Quota total = budget("key:a", 1.00, "total");
        limiter.storedSpend(Map.of("key:a", new StoredSpend(BudgetPeriod.TOTAL, 0, 0.95)));
        assertThat(admit(new Demand(0, 0.10), total)).as("0.95 < 1.00").isInstanceOf(Admission.Admitted.class);
        assertThat(admit(new Demand(0, 0.01), total)).as("0.95 stored + 0.10 reserved").isInstanceOf(Admission.Denied.class);

        // the period changed (daily → weekly): counting starts again, from what the store says the week has spent
        Quota daily = budget("key:b", 1.00, "daily");
        settle(admit(new Demand(0, 0.10), daily), 0, 0.40);
        Quota weekly = budget("key:b", 1.00, "weekly");
        limiter.storedSpend(Map.of("key:b", new StoredSpend(BudgetPeriod.WEEKLY, BudgetPeriod.WEEKLY.startMs(now), 1.20)));
        assertThat(admit(new Demand(0, 0.01), weekly)).isInstanceOf(Admission.Denied.class);

        // a stored figure of another period (yesterday's) is not this one's
        Quota other = budget("key:c", 1.00, "daily");
        limiter.storedSpend(Map.of("key:c", new StoredSpend(BudgetPeriod.DAILY, BudgetPeriod.DAILY.startMs(now) - 86_400_000L, 5.0)));
        assertThat(admit(new Demand(0, 0.01), other)).isInstanceOf(Admission.Admitted.class);

        // and the limiter's own count wins when it is ahead of the store's (which trails it)
        Quota ahead = budget("key:d", 1.00, "total");
        settle(admit(new Demand(0, 0.10), ahead), 0, 0.99);
        limiter.storedSpend(Map.of("key:d", new StoredSpend(BudgetPeriod.TOTAL, 0, 0.10)));
        assertThat(admit(new Demand(0, 0.02), ahead)).as("0.99 spent + 0.02").isInstanceOf(Admission.Admitted.class);
        assertThat(admit(new Demand(0, 0.01), ahead)).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void aDailyBudget_resetsAtUtcMidnight_andSaysSo() {
        Quota q = budget("key:a", 1.00, "daily");
        settle(admit(new Demand(0, 1.0), q), 0, 1.5);
        Admission.Denied denied = (Admission.Denied) admit(new Demand(0, 0.1), q);
        assertThat(denied.retryAfterMs()).as("now is 12:00 UTC").isEqualTo(12 * 3_600_000L);
        clock.advanceMillis(12 * 3_600_000L);
        assertThat(admit(new Demand(0, 0.1), q)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aKeyBudgetHeldByItsRequestInFlight_doesNotHideItsTeamsSpentBudget() {
        Quota keyA = budget("key:a", 0.50, "total");
        Quota keyB = budget("key:b", 10.0, "total");
        Quota team = budget("team:t", 1.00, "total");
        Admission running = admit(new Demand(0, 0.60), keyA, team); // holds all of key a's budget
        assertThat(running).isInstanceOf(Admission.Admitted.class);
        settle(admit(new Demand(0, 0.01), keyB, team), 0, 1.00);     // spends all of the team's

        Admission.Denied denied = (Admission.Denied) admit(new Demand(0, 0.01), keyA, team);
        assertThat(denied.scope()).isEqualTo("team:t");
        assertThat(denied.held()).as("spent: no retry helps before the period ends").isFalse();
        Admission.Denied heldOnly = (Admission.Denied) admit(new Demand(0, 0.01), keyA);
        assertThat(heldOnly.held()).isTrue();
    }

    @Test
    void keyAndTeam_admitAllOrNothing_andTheHeadersShowTheTighter() {
        Quota key = limits("key:a", 10L, null, null, null);
        Quota team = limits("team:t", 2L, null, null, null);
        Admission.Admitted first = (Admission.Admitted) admit(key, team);
        assertThat(first.headers().limitRequests()).isEqualTo(2);
        assertThat(first.headers().remainingRequests()).isEqualTo(1);
        admit(key, team);
        Admission.Denied denied = (Admission.Denied) admit(key, team);
        assertThat(denied.scope()).isEqualTo("team:t");
        // the denied request was not counted against the key either: 8 left for it alone
        for (int i = 0; i < 8; i++) assertThat(admit(key)).isInstanceOf(Admission.Admitted.class);
        assertThat(admit(key)).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void parallelAdmissions_admitExactlyTheLimit() throws Exception {
        Quota q = limits("key:a", 50L, null, null, null);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    if (admit(q) instanceof Admission.Admitted) admitted.incrementAndGet();
                    return null;
                }));
            }
            go.countDown();
            for (var f : done) f.get();
        }
        assertThat(admitted.get()).isEqualTo(50);
    }

    @Test
    void parallelExpensiveRequests_overrunABudgetByAtMostOneReservation() throws Exception {
        Quota q = budget("key:a", 1.00, "monthly");
        List<Admission.Admitted> admitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 100; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    if (admit(new Demand(0, 0.30), q) instanceof Admission.Admitted a) admitted.add(a);
                    return null;
                }));
            }
            go.countDown();
            for (var f : done) f.get();
        }
        assertThat(admitted).hasSize(4); // 0, 0.30, 0.60, 0.90 reserved when admitted
        for (Admission.Admitted a : admitted) settle(a, 0, 0.30);
        assertThat(0.30 * admitted.size()).isCloseTo(1.20, within(1e-9)).isLessThanOrEqualTo(1.00 + 0.30);
        assertThat(admit(new Demand(0, 0.01), q)).isInstanceOf(Admission.Denied.class);
    }

    @Test
    void aQuotaWithNothingSet_isNotCounted() {
        Admission a = admit(new Quota("key:a", new Limits(null, null, null, null, 100), null));
        assertThat(a).isInstanceOf(Admission.Admitted.class);
        assertThat(a.headers().present()).isFalse();
    }

    @Test
    void aSettlementAfterTheEntryLeftTheWindow_changesNoLaterWindow() {
        Quota q = limits("key:a", null, 1_000L, null, null);
        Admission first = admit(new Demand(600, 0), q);
        clock.advanceMillis(60_000);
        Admission.Admitted second = (Admission.Admitted) admit(new Demand(300, 0), q);
        assertThat(second.headers().remainingTokens()).as("the first entry left the window").isEqualTo(700);
        settle(first, 900, 0);
        Admission.Admitted third = (Admission.Admitted) admit(new Demand(100, 0), q);
        assertThat(third.headers().remainingTokens()).isEqualTo(1_000 - 300 - 100);
        assertThat(third.headers().resetTokensMs()).as("the oldest entry in the window is the second").isEqualTo(60_000);
    }

    @Test
    void aPeriodThatRollsWhileARequestRuns_chargesItsCostToTheNewPeriod() {
        Quota q = budget("key:a", 1.00, "daily");
        Admission running = admit(new Demand(0, 0.50), q);
        settle(admit(new Demand(0, 0.10), q), 0, 0.90);
        assertThat(admit(new Demand(0, 0.01), q)).as("0.90 spent + 0.50 reserved").isInstanceOf(Admission.Denied.class);
        clock.advanceMillis(12 * 3_600_000L); // midnight UTC: spending starts again, the reservation carries
        settle(running, 0, 0.95);
        for (int i = 0; i < 5; i++) {
            assertThat(admit(new Demand(0, 0.01), q)).as("0.95 spent today + %d cents reserved", i).isInstanceOf(Admission.Admitted.class);
        }
        assertThat(admit(new Demand(0, 0.01), q)).as("0.95 + 0.05 reserved reaches 1.00").isInstanceOf(Admission.Denied.class);
    }

    @Test
    void aDenialBySomeScope_countsInNoScope_evenForTokensSlotsAndBudgets() {
        Quota key = new Quota("key:a", new Limits(null, 1_000L, null, 1, null), new Budget(1.00, "total"));
        Quota team = limits("team:t", 1L, null, null, null);
        Admission.Admitted first = (Admission.Admitted) admit(new Demand(100, 0.10), key, team);
        settle(first, 100, 0.10);
        Admission.Denied denied = (Admission.Denied) admit(new Demand(500, 0.50), key, team);
        assertThat(denied.scope()).isEqualTo("team:t");
        assertThat(denied.retryAfterMs()).isEqualTo(60_000);
        Admission.Admitted alone = (Admission.Admitted) admit(new Demand(800, 0.85), key);
        assertThat(alone.headers().remainingTokens()).as("only the first request's 100 tokens were counted").isEqualTo(100);
        Admission.Denied busy = (Admission.Denied) admit(new Demand(0, 0), key);
        assertThat(busy.retryAfterMs()).as("refused for the slot the admitted one holds, not for tokens or dollars").isEqualTo(1_000);
        settle(alone, 800, 0.85);
        assertThat(admit(new Demand(0, 0), key)).as("0.95 spent, no slot held").isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void theDeniedRequest_seesTheHeadersOfTheScopesUpToTheDenyingOne() {
        Quota key = limits("key:a", 1L, null, null, null);
        Quota team = limits("team:t", 100L, null, null, null);
        admit(key, team);
        Admission.Denied denied = (Admission.Denied) admit(key, team);
        assertThat(denied.scope()).isEqualTo("key:a");
        assertThat(denied.headers().limitRequests()).isEqualTo(1);
        assertThat(denied.headers().remainingRequests()).isEqualTo(0);
        assertThat(denied.headers().resetRequestsMs()).isEqualTo(60_000);
    }

}
