package dev.switchboard.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this instance sees of one deployment right now: requests in flight, the moving averages of
 * its latency (time to last byte for complete answers, time to first event for streams) and of its
 * success, and its requests and tokens over the last minute. Per instance by design: these steer
 * load, and each instance steers its own.
 */
public final class DeploymentLoad {

    private static final double ALPHA = 0.3;

    final AtomicInteger inFlight = new AtomicInteger();
    final Ewma latencyMs = new Ewma(ALPHA, Double.NaN);
    final Ewma firstTokenMs = new Ewma(ALPHA, Double.NaN);
    final Ewma successRate = new Ewma(0.1, 1.0);
    final WindowCounter requests = new WindowCounter();
    final WindowCounter tokens = new WindowCounter();

    public int inFlight() {
        return inFlight.get();
    }

    /** The latency that matters for this kind of call, falling back to the other kind when unmeasured; NaN when neither is. */
    double latency(boolean stream) {
        double primary = stream ? firstTokenMs.value() : latencyMs.value();
        return Double.isNaN(primary) ? (stream ? latencyMs.value() : firstTokenMs.value()) : primary;
    }

    public double successRate() {
        return successRate.value();
    }
}
