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

    void add(double sample) {
        long prev;
        long next;
        do {
            prev = bits.get();
            double p = Double.longBitsToDouble(prev);
            next = Double.doubleToRawLongBits(Double.isNaN(p) ? sample : p + alpha * (sample - p));
        } while (!bits.compareAndSet(prev, next));
    }

    double value() {
        return Double.longBitsToDouble(bits.get());
    }
}
