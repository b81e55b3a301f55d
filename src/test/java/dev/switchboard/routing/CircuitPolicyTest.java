package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The breaker's transitions, on explicit times: no clock, no sleeping. */
class CircuitPolicyTest {

    /** 3 failures in 60 s open it; cooldown 5 s doubling to at most 40 s; probe lease 60 s. */
    private final CircuitPolicy policy = new CircuitPolicy(3, 60_000, 5_000, 40_000, 60_000);

    @Test
    void failures_belowAllowedFails_keepItClosed() {
        CircuitState s = policy.failure(CircuitState.CLOSED, 1_000);
        s = policy.failure(s, 2_000);
        assertThat(s.closed()).isTrue();
        assertThat(s.fails()).isEqualTo(2);
    }

    @Test
    void allowedFails_withinTheWindow_openForTheInitialCooldown() {
        CircuitState s = CircuitState.CLOSED;
        for (long t : new long[] {1_000, 2_000, 3_000}) s = policy.failure(s, t);
        assertThat(s.cooling(3_000)).isTrue();
        assertThat(s.openUntilMs()).isEqualTo(8_000);
        assertThat(s.level()).isEqualTo(1);
    }

    @Test
    void failures_spreadBeyondTheWindow_doNotAddUp() {
        CircuitState s = policy.failure(CircuitState.CLOSED, 0);
        s = policy.failure(s, 30_000);
        s = policy.failure(s, 61_000); // the window began at 0: this one starts a new window
        assertThat(s.closed()).isTrue();
        assertThat(s.fails()).isEqualTo(1);
        assertThat(s.windowStartMs()).isEqualTo(61_000);
    }

    @Test
    void cooldown_doublesPerOpening_upToTheMaximum() {
        assertThat(policy.cooldownMs(1)).isEqualTo(5_000);
        assertThat(policy.cooldownMs(2)).isEqualTo(10_000);
        assertThat(policy.cooldownMs(3)).isEqualTo(20_000);
        assertThat(policy.cooldownMs(4)).isEqualTo(40_000);
        assertThat(policy.cooldownMs(9)).isEqualTo(40_000);
        assertThat(policy.cooldownMs(500)).isEqualTo(40_000);
    }

    @Test
    void afterTheCooldown_exactlyOneProbeMayGo() {
        CircuitState open = open(0);
        assertThat(policy.claimProbe(open, 4_999)).as("still cooling").isNull();
        CircuitState probing = policy.claimProbe(open, 5_000);
        assertThat(probing).isNotNull();
        assertThat(policy.claimProbe(probing, 5_001)).as("a second probe while the first is out").isNull();
        assertThat(probing.availableAtMs(5_001)).as("asked again soon, not after the probe's whole lease").isEqualTo(6_001);
        assertThat(probing.availableAtMs(64_500)).as("never past the lease").isEqualTo(65_000);
        assertThat(open.availableAtMs(1_000)).as("cooling: the end of the cooldown").isEqualTo(5_000);
    }

    @Test
    void aProbeThatNeverReports_freesTheCircuitWhenItsLeaseRunsOut() {
        CircuitState probing = policy.claimProbe(open(0), 5_000);
        assertThat(policy.claimProbe(probing, 64_999)).isNull();
        assertThat(policy.claimProbe(probing, 65_000)).isNotNull();
    }

    @Test
    void probeSuccess_closes_andTheNextOpeningStartsFromTheInitialCooldown() {
        CircuitState probing = policy.claimProbe(open(0), 5_000);
        CircuitState closed = policy.success(probing, 5_100);
        assertThat(closed).isEqualTo(CircuitState.CLOSED);
        assertThat(open(closed, 10_000).openUntilMs()).isEqualTo(15_000);
    }

    @Test
    void probeFailure_reopensOneLevelUp() {
        CircuitState probing = policy.claimProbe(open(0), 5_000);
        CircuitState reopened = policy.failure(probing, 5_200);
        assertThat(reopened.level()).isEqualTo(2);
        assertThat(reopened.openUntilMs()).isEqualTo(5_200 + 10_000);
        assertThat(reopened.probeUntilMs()).isZero();
    }

    @Test
    void aLateFailure_whileCooling_doesNotExtendTheCooldown() {
        CircuitState open = open(0);
        assertThat(policy.failure(open, 1_000)).isEqualTo(open);
    }

    @Test
    void aLateSuccess_whileCooling_doesNotClose() {
        CircuitState open = open(0);
        assertThat(policy.success(open, 1_000)).isEqualTo(open);
    }

    @Test
    void throttle_withRetryAfter_coolsExactlyThatLong_withoutRaisingTheLevel() {
        CircuitState s = policy.throttle(CircuitState.CLOSED, 1_000, 7_000);
        assertThat(s.openUntilMs()).isEqualTo(8_000);
        assertThat(s.level()).isZero();
        assertThat(policy.throttle(s, 2_000, 1_000).openUntilMs()).as("a shorter Retry-After does not cut the cooldown").isEqualTo(8_000);
    }

    @Test
    void throttle_withoutRetryAfter_coolsLikeAnOpening() {
        CircuitState s = policy.throttle(CircuitState.CLOSED, 1_000, -1);
        assertThat(s.openUntilMs()).isEqualTo(6_000);
        assertThat(s.level()).isEqualTo(1);
    }

    @Test
    void quarantine_opensAtOnce_forTheLongestCooldown() {
        CircuitState s = policy.quarantine(CircuitState.CLOSED, 1_000);
        assertThat(s.openUntilMs()).isEqualTo(41_000);
        assertThat(s.cooling(40_999)).isTrue();
    }

    private CircuitState open(long atMs) {
        return open(CircuitState.CLOSED, atMs);
    }

    private CircuitState open(CircuitState s, long atMs) {
        for (int i = 0; i < 3; i++) s = policy.failure(s, atMs);
        return s;
    }
}
