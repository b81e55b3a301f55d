package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(100, 2_000);

    @Test
    void delays_areFullJitter_underAnExponentialCap() {
        SplittableRandom random = new SplittableRandom(7);
        for (int retry = 0; retry < 8; retry++) {
            long cap = Math.min(2_000, 100L << retry);
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long d = backoff.delayMs(retry, random);
                assertThat(d).isBetween(0L, cap);
                max = Math.max(max, d);
                min = Math.min(min, d);
            }
            // full jitter spreads over the whole range, not just near the cap
            assertThat(min).as("retry %d", retry).isLessThan(cap / 10 + 1);
            assertThat(max).as("retry %d", retry).isGreaterThan(cap * 9 / 10);
        }
    }

    @Test
    void aHugeRetryCount_staysAtTheMaximum() {
        assertThat(backoff.delayMs(1_000, new SplittableRandom(1))).isBetween(0L, 2_000L);
    }
}
