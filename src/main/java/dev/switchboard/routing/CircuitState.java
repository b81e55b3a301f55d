package dev.switchboard.routing;

/**
 * The circuit of one deployment (or one failure domain), as plain numbers so that the in-process
 * store and the Redis store hold exactly the same thing. Times are epoch milliseconds; 0 means unset.
 *
 * @param fails         failures counted in the current window
 * @param windowStartMs when the current failure window began (its first failure)
 * @param openUntilMs   the end of the current cooldown; 0 when the circuit is closed
 * @param level         how many times the circuit has opened in a row (the cooldown doubles with each)
 * @param probeUntilMs  while half-open: the lease of the one probe in flight; 0 when none is
 */
public record CircuitState(int fails, long windowStartMs, long openUntilMs, int level, long probeUntilMs) {

    public static final CircuitState CLOSED = new CircuitState(0, 0, 0, 0, 0);
    /**
     * How soon to ask again while a probe is out. Its lease is only the bound for a probe whose
     * instance died; a live probe's verdict comes within a request's time, so a client told to
     * wait the whole lease (a minute) would sleep through the circuit closing.
     */
    static final long PROBE_RECHECK_MS = 1_000;

    /** Closed with no failure counted: the common case, which needs no bookkeeping at all. */
    public boolean clean() {
        return fails == 0 && openUntilMs == 0 && level == 0 && probeUntilMs == 0;
    }

    /** Taking requests normally (possibly with some failures counted). */
    public boolean closed() {
        return openUntilMs == 0;
    }

    /** Cooling down at {@code nowMs}: no request may go. */
    public boolean cooling(long nowMs) {
        return openUntilMs != 0 && nowMs < openUntilMs;
    }

    /** The cooldown is over but no probe has succeeded yet; one probe may go unless one is already in flight. */
    public boolean probeAvailable(long nowMs) {
        return openUntilMs != 0 && nowMs >= openUntilMs && probeUntilMs <= nowMs;
    }

    /**
     * When to try this circuit again: now when closed, else the end of its cooldown, or while a
     * probe is out, {@link #PROBE_RECHECK_MS} from now (at most the probe's lease).
     */
    public long availableAtMs(long nowMs) {
        if (openUntilMs == 0) return nowMs;
        if (nowMs < openUntilMs) return openUntilMs;
        return probeUntilMs > nowMs ? Math.min(probeUntilMs, nowMs + PROBE_RECHECK_MS) : nowMs;
    }
}
