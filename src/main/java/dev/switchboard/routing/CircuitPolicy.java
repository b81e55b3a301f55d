package dev.switchboard.routing;

import dev.switchboard.config.RouterSettings;

/**
 * The circuit breaker's transitions, as pure functions of a {@link CircuitState} and the time, so
 * that every store applies the same rules (the Redis store runs their Lua twin) and tests drive
 * them on a clock of their own.
 *
 * <pre>
 *  closed ──(allowedFails failures within the window)──► open (cooldown = initial · 2^(level-1), at most max)
 *    ▲                                                     │ cooldown over
 *    │ probe succeeds                                      ▼
 *    └──────────────────────────────────────────── half-open: exactly one probe claims a lease
 *                                                          │ probe fails (or its lease runs out
 *                                   open, level + 1 ◄──────┘ and another caller claims it)
 * </pre>
 * A probe that ends without a verdict (the provider refused the request itself, the client left)
 * gives its claim back: the next request is the probe.
 * A throttle opens the circuit for the provider's Retry-After when it gave one (the level stays),
 * else like a counted opening. A configuration failure (the provider refused the credentials or
 * the model) quarantines at once for the longest cooldown: it will not heal by itself.
 *
 * @param allowedFails failures within {@code windowMs} that open the circuit
 * @param probeLeaseMs how long a claimed probe keeps others out; a probe that never reports
 *                     (its instance died) frees the circuit after this
 */
public record CircuitPolicy(int allowedFails, long windowMs, long initialCooldownMs, long maxCooldownMs, long probeLeaseMs) {

    public static CircuitPolicy of(RouterSettings s) {
        return new CircuitPolicy(s.allowedFails(), s.failureWindowSeconds() * 1000L,
                s.cooldown().initialSeconds() * 1000L, s.cooldown().maxSeconds() * 1000L, 60_000L);
    }

    /** The cooldown of the {@code level}-th opening in a row. */
    public long cooldownMs(int level) {
        int shift = Math.min(Math.max(level - 1, 0), 30);
        return Math.min(maxCooldownMs, initialCooldownMs << shift);
    }

    /** A success closes the circuit, unless it is cooling: then it is a late answer to a request sent before it opened. */
    public CircuitState success(CircuitState s, long nowMs) {
        return s.cooling(nowMs) ? s : CircuitState.CLOSED;
    }

    public CircuitState failure(CircuitState s, long nowMs) {
        if (s.openUntilMs() != 0) {
            // a failed probe, or a late failure of a request sent before the circuit opened:
            // only the former re-opens (the latter must not extend a cooldown it already caused)
            if (nowMs < s.openUntilMs()) return s;
            return opened(s.level() + 1, nowMs, cooldownMs(s.level() + 1));
        }
        boolean inWindow = s.fails() > 0 && nowMs - s.windowStartMs() < windowMs;
        int fails = inWindow ? s.fails() + 1 : 1;
        long start = inWindow ? s.windowStartMs() : nowMs;
        if (fails >= allowedFails) return opened(s.level() + 1, nowMs, cooldownMs(s.level() + 1));
        return new CircuitState(fails, start, 0, s.level(), 0);
    }

    /** A 429: cool down for the provider's Retry-After ({@code retryAfterMs} &gt; 0), else as a counted opening. */
    public CircuitState throttle(CircuitState s, long nowMs, long retryAfterMs) {
        if (retryAfterMs > 0) {
            long until = Math.max(s.openUntilMs(), nowMs + retryAfterMs);
            return new CircuitState(0, 0, until, s.level(), 0);
        }
        if (s.cooling(nowMs)) return s;
        return opened(s.level() + 1, nowMs, cooldownMs(s.level() + 1));
    }

    /** The provider refused the deployment itself: out for the longest cooldown, then one probe. */
    public CircuitState quarantine(CircuitState s, long nowMs) {
        return opened(Math.max(s.level() + 1, 1), nowMs, maxCooldownMs);
    }

    /** The state after claiming the half-open probe, or null when no probe may go now. */
    public CircuitState claimProbe(CircuitState s, long nowMs) {
        if (!s.probeAvailable(nowMs)) return null;
        return new CircuitState(0, 0, s.openUntilMs(), s.level(), nowMs + probeLeaseMs);
    }

    /**
     * A claimed probe ended without a verdict on the deployment (the provider refused the request
     * itself, the client left, the gateway failed it): the claim is given back, so the next request
     * probes at once instead of waiting out the probe lease.
     */
    public CircuitState releaseProbe(CircuitState s, long nowMs) {
        boolean claimed = s.openUntilMs() != 0 && nowMs >= s.openUntilMs() && s.probeUntilMs() > nowMs;
        return claimed ? new CircuitState(s.fails(), s.windowStartMs(), s.openUntilMs(), s.level(), 0) : s;
    }

    private static CircuitState opened(int level, long nowMs, long cooldownMs) {
        return new CircuitState(0, 0, nowMs + cooldownMs, level, 0);
    }
}
