package dev.switchboard.routing;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th wait (from 0) is drawn uniformly from
 * {@code [0, min(maxMs, baseMs · 2^n)]}, so clients that failed together do not retry together.
 */
public record Backoff(long baseMs, long maxMs) {

    public long delayMs(int retry, RandomGenerator random) {
        long cap = Math.min(maxMs, baseMs << Math.min(retry, 30));
        return cap <= 0 ? 0 : random.nextLong(cap + 1);
    }
}
