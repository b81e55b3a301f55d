package dev.switchboard.limit;

import java.util.Arrays;

/**
 * The times of admitted requests still inside a sliding window, oldest first, with an optional
 * weight per entry (tokens) and a running sum of the weights. Entries are numbered in order, so a
 * request can correct its own weight later (its reservation settled to actual tokens) while the
 * entry is still in the window. Grows by doubling; holds only what the window holds.
 *
 * <p>Not thread-safe: its scope's lock guards it.
 */
final class TimeRing {

    private final long windowMs;
    private long[] times = new long[8];
    private long[] weights = new long[8];
    private int head;
    private int size;
    /** The number of the entry at {@code head}. */
    private long headSeq;
    private long sum;

    TimeRing(long windowMs) {
        this.windowMs = windowMs;
    }

    /** Drops entries that left the window at {@code nowMs}: an entry made at t counts while now − t &lt; window. */
    void evict(long nowMs) {
        while (size > 0 && nowMs - times[head] >= windowMs) {
            sum -= weights[head];
            head = (head + 1) % times.length;
            headSeq++;
            size--;
        }
    }

    int count() {
        return size;
    }

    long sum() {
        return sum;
    }

    /** When the oldest entry leaves the window (room for one more); {@code nowMs} when empty. */
    long oldestExpiryMs(long nowMs) {
        return size == 0 ? nowMs : times[head] + windowMs;
    }

    /** Adds an entry; its number, for {@link #reweigh}. */
    long add(long nowMs, long weight) {
        if (size == times.length) grow();
        int i = (head + size) % times.length;
        times[i] = nowMs;
        weights[i] = weight;
        size++;
        sum += weight;
        return headSeq + size - 1;
    }

    /** Sets an entry's weight, if it is still in the window. */
    void reweigh(long seq, long weight) {
        if (seq < headSeq || seq >= headSeq + size) return;
        int i = (int) ((head + (seq - headSeq)) % times.length);
        sum += weight - weights[i];
        weights[i] = weight;
    }

    private void grow() {
        long[] t = new long[times.length * 2];
        long[] w = new long[times.length * 2];
        for (int k = 0; k < size; k++) {
            t[k] = times[(head + k) % times.length];
            w[k] = weights[(head + k) % times.length];
        }
        times = t;
        weights = w;
        head = 0;
    }

    @Override
    public String toString() {
        return "TimeRing[size=" + size + ", sum=" + sum + ", times=" + Arrays.toString(times) + "]";
    }
}
