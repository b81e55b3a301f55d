package dev.switchboard.routing;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A count over the last minute in one-second buckets, for a deployment's own {@code rpmLimit} and
 * {@code tpmLimit}. Lock-free: a bucket that belongs to an older second is reset by whoever first
 * writes to it. Two threads racing on that reset can lose a count, which is acceptable for
 * spreading load across deployments (the exact limits of keys and teams live elsewhere).
 */
final class WindowCounter {

    private static final int BUCKETS = 60;
    private static final long BUCKET_MS = 1000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray seconds = new AtomicLongArray(BUCKETS);

    void add(long nowMs, long n) {
        long second = nowMs / BUCKET_MS;
        int i = (int) (second % BUCKETS);
        long seen = seconds.get(i);
        if (seen != second && seconds.compareAndSet(i, seen, second)) counts.set(i, 0);
        counts.addAndGet(i, n);
    }

    long sum(long nowMs) {
        long second = nowMs / BUCKET_MS;
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (second - seconds.get(i) < BUCKETS) sum += counts.get(i);
        }
        return sum;
    }

    /** When the oldest counted second leaves the window (what a full deployment waits for). */
    long nextReleaseMs(long nowMs) {
        long second = nowMs / BUCKET_MS;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < BUCKETS; i++) {
            long s = seconds.get(i);
            if (second - s < BUCKETS && counts.get(i) > 0) oldest = Math.min(oldest, s);
        }
        return oldest == Long.MAX_VALUE ? nowMs : (oldest + BUCKETS) * BUCKET_MS;
    }
}
