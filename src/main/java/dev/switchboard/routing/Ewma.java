package dev.switchboard.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An exponentially weighted moving average, updated lock-free from any event loop. NaN until the
 * first sample, so a deployment never measured can be told apart from a fast one.
 */
final class Ewma {

    private final double alpha;
    private final AtomicLong bits;

    Ewma(double alpha, double initial) {
        this.alpha = alpha;
        this.bits = new AtomicLong(Double.doubleToRawLongBits(initial));
    }

    /**
     * Moves the average toward {@code sample}. A sample that leaves it where it is (a success
     * rate at 1.0 hearing another success) writes nothing: every event loop updates the same
     * deployment's averages, and a write takes the cache line away from the other cores.
     */
    void add(double sample) {
        long prev;
        long next;
        do {
            prev = bits.get();
            double p = Double.longBitsToDouble(prev);
            next = Double.doubleToRawLongBits(Double.isNaN(p) ? sample : p + alpha * (sample - p));
        } while (next != prev && !bits.compareAndSet(prev, next));
    }

    double value() {
        return Double.longBitsToDouble(bits.get());
    }
}
