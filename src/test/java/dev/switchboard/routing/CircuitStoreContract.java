package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CircuitStore} does, whatever holds the state: {@link LocalCircuitStoreTest}
 * runs it in process, {@link RedisCircuitStoreTest} against a real Redis. Every time is injected
 * ({@code nowMs}), so nothing here sleeps: a cooldown "passes" by calling with a later time.
 */
abstract class CircuitStoreContract {

    static final long T0 = 1_700_000_000_000L;
    /** 3 failures within 60 s open; cooldown 1 s doubling to at most 8 s; a probe holds its lease for 2 s. */
    static final CircuitPolicy POLICY = new CircuitPolicy(3, 60_000, 1_000, 8_000, 2_000);
    static final String KEY = "dep:dep_1:abc123";

    protected CircuitStore store;

    /** A new, empty store (for Redis: in a namespace of its own). */
    protected abstract CircuitStore newStore();

    /** The mode the store reports while healthy. */
    protected abstract String healthyMode();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the store's future did not complete: " + e, e);
        }
    }

    /** Opens the circuit with {@code allowedFails} failures at {@code nowMs}; returns the open state. */
    CircuitState open(String key, long nowMs) {
        CircuitState s = null;
        for (int i = 0; i < POLICY.allowedFails(); i++) s = await(store.failure(key, POLICY, nowMs));
        return s;
    }

    @Test
    void mode_isTheStoresOwn() {
        assertThat(store.mode()).isEqualTo(healthyMode());
    }

    @Test
    void anUnknownCircuit_isClosed_andASuccessOnItChangesNothing() {
        assertThat(store.state(KEY)).isEqualTo(CircuitState.CLOSED);
        assertThat(await(store.success(KEY, POLICY, T0))).isEqualTo(CircuitState.CLOSED);
        assertThat(await(store.claimProbe(KEY, POLICY, T0))).isFalse();
        assertThat(store.state(KEY)).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void allowedFailsWithinTheWindow_openTheCircuit_forTheInitialCooldown() {
        assertThat(await(store.failure(KEY, POLICY, T0))).isEqualTo(new CircuitState(1, T0, 0, 0, 0));
        assertThat(await(store.failure(KEY, POLICY, T0 + 10))).isEqualTo(new CircuitState(2, T0, 0, 0, 0));
        assertThat(store.state(KEY).closed()).isTrue();

        CircuitState opened = await(store.failure(KEY, POLICY, T0 + 20));

        assertThat(opened).isEqualTo(new CircuitState(0, 0, T0 + 20 + 1_000, 1, 0));
        assertThat(store.state(KEY)).isEqualTo(opened);
        assertThat(store.state(KEY).cooling(T0 + 500)).isTrue();
    }

    @Test
    void failuresOutsideTheWindow_startANewCount() {
        await(store.failure(KEY, POLICY, T0));
        await(store.failure(KEY, POLICY, T0 + 10));

        CircuitState s = await(store.failure(KEY, POLICY, T0 + 60_000));

        assertThat(s).isEqualTo(new CircuitState(1, T0 + 60_000, 0, 0, 0));
        assertThat(store.state(KEY)).isEqualTo(s);
    }

    @Test
    void cooldown_doublesWithEachFailedProbe_upToTheMax() {
        CircuitState s = open(KEY, T0);
        assertThat(s.openUntilMs() - T0).isEqualTo(1_000);
        long[] expected = {2_000, 4_000, 8_000, 8_000};
        for (int i = 0; i < expected.length; i++) {
            long now = s.openUntilMs();
            assertThat(await(store.claimProbe(KEY, POLICY, now))).as("probe %d", i).isTrue();
            s = await(store.failure(KEY, POLICY, now + 5));
            assertThat(s.level()).isEqualTo(i + 2);
            assertThat(s.openUntilMs() - (now + 5)).as("cooldown of level %d", s.level()).isEqualTo(expected[i]);
            assertThat(store.state(KEY)).isEqualTo(s);
        }
    }

    @Test
    void onlyOneClaimProbe_succeedsOnceTheCooldownIsOver_untilItsLeaseRunsOut() {
        CircuitState s = open(KEY, T0);
        long end = s.openUntilMs();
        assertThat(await(store.claimProbe(KEY, POLICY, end - 1))).as("still cooling").isFalse();

        assertThat(await(store.claimProbe(KEY, POLICY, end))).isTrue();
        assertThat(await(store.claimProbe(KEY, POLICY, end + 1))).isFalse();
        assertThat(await(store.claimProbe(KEY, POLICY, end + 1_999))).isFalse();
        assertThat(store.state(KEY).probeUntilMs()).isEqualTo(end + 2_000);
        assertThat(store.state(KEY).availableAtMs(end + 1)).isEqualTo(end + 1_001);
        assertThat(store.state(KEY).availableAtMs(end + 1_500)).isEqualTo(end + 2_000);

        // the probe never reported (its instance died): once its lease is over, another may go
        assertThat(await(store.claimProbe(KEY, POLICY, end + 2_000))).isTrue();
        assertThat(await(store.claimProbe(KEY, POLICY, end + 2_001))).isFalse();
    }

    @Test
    void aProbeReleasedWithoutAVerdict_letsTheNextCallerProbeAtOnce() {
        CircuitState s = open(KEY, T0);
        long end = s.openUntilMs();
        assertThat(await(store.releaseProbe(KEY, POLICY, end - 1))).as("nothing claimed while cooling").isEqualTo(s);
        assertThat(await(store.claimProbe(KEY, POLICY, end))).isTrue();

        CircuitState released = await(store.releaseProbe(KEY, POLICY, end + 10));

        assertThat(released).isEqualTo(new CircuitState(0, 0, end, 1, 0));
        assertThat(store.state(KEY)).isEqualTo(released);
        assertThat(await(store.claimProbe(KEY, POLICY, end + 11))).as("the next caller probes").isTrue();
        assertThat(await(store.claimProbe(KEY, POLICY, end + 12))).isFalse();
    }

    @Test
    void aSucceedingProbe_closesTheCircuit_andTheNextOpeningStartsAtLevelOne() {
        CircuitState s = open(KEY, T0);
        assertThat(await(store.claimProbe(KEY, POLICY, s.openUntilMs()))).isTrue();

        assertThat(await(store.success(KEY, POLICY, s.openUntilMs() + 50))).isEqualTo(CircuitState.CLOSED);
        assertThat(store.state(KEY).clean()).isTrue();

        CircuitState again = open(KEY, T0 + 10_000);
        assertThat(again).isEqualTo(new CircuitState(0, 0, T0 + 10_000 + 1_000, 1, 0));
    }

    @Test
    void aFailingProbe_reopensOneLevelUp() {
        CircuitState s = open(KEY, T0);
        long end = s.openUntilMs();
        assertThat(await(store.claimProbe(KEY, POLICY, end))).isTrue();

        CircuitState reopened = await(store.failure(KEY, POLICY, end + 100));

        assertThat(reopened).isEqualTo(new CircuitState(0, 0, end + 100 + 2_000, 2, 0));
        assertThat(store.state(KEY)).isEqualTo(reopened);
        assertThat(await(store.claimProbe(KEY, POLICY, end + 200))).as("cooling again").isFalse();
    }

    @Test
    void aThrottleWithRetryAfter_coolsForThatLong_keepingTheLevel_andNeverShortensACooldown() {
        CircuitState s = await(store.throttle(KEY, POLICY, T0, 7_000));
        assertThat(s).isEqualTo(new CircuitState(0, 0, T0 + 7_000, 0, 0));

        CircuitState shorter = await(store.throttle(KEY, POLICY, T0 + 1_000, 2_000));
        assertThat(shorter.openUntilMs()).isEqualTo(T0 + 7_000);

        CircuitState longer = await(store.throttle(KEY, POLICY, T0 + 2_000, 30_000));
        assertThat(longer.openUntilMs()).isEqualTo(T0 + 32_000);
        assertThat(store.state(KEY)).isEqualTo(longer);
    }

    @Test
    void aThrottleWithoutRetryAfter_opensLikeACountedOpening_unlessAlreadyCooling() {
        CircuitState s = await(store.throttle(KEY, POLICY, T0, 0));
        assertThat(s).isEqualTo(new CircuitState(0, 0, T0 + 1_000, 1, 0));

        assertThat(await(store.throttle(KEY, POLICY, T0 + 500, 0))).isEqualTo(s);

        CircuitState next = await(store.throttle(KEY, POLICY, T0 + 1_000, 0));
        assertThat(next).isEqualTo(new CircuitState(0, 0, T0 + 1_000 + 2_000, 2, 0));
    }

    @Test
    void quarantine_opensForTheLongestCooldown_thenOneProbe() {
        CircuitState s = await(store.quarantine(KEY, POLICY, T0));

        assertThat(s).isEqualTo(new CircuitState(0, 0, T0 + 8_000, 1, 0));
        assertThat(store.state(KEY)).isEqualTo(s);
        assertThat(await(store.claimProbe(KEY, POLICY, T0 + 7_999))).isFalse();
        assertThat(await(store.claimProbe(KEY, POLICY, T0 + 8_000))).isTrue();
        assertThat(await(store.claimProbe(KEY, POLICY, T0 + 8_001))).isFalse();
    }

    @Test
    void aLateSuccessWhileCooling_doesNotClose_andALateFailureDoesNotExtendTheCooldown() {
        CircuitState s = open(KEY, T0);

        assertThat(await(store.success(KEY, POLICY, T0 + 10))).isEqualTo(s);
        assertThat(await(store.failure(KEY, POLICY, T0 + 20))).isEqualTo(s);

        assertThat(store.state(KEY)).isEqualTo(s);
        assertThat(store.state(KEY).cooling(T0 + 30)).isTrue();
    }

    @Test
    void circuits_areIndependentByKey() {
        open(KEY, T0);
        String other = "dom:xyz789";

        assertThat(store.state(other)).isEqualTo(CircuitState.CLOSED);
        assertThat(await(store.failure(other, POLICY, T0))).isEqualTo(new CircuitState(1, T0, 0, 0, 0));
        assertThat(store.state(KEY).cooling(T0 + 1)).isTrue();
    }
}
