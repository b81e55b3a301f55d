package dev.switchboard.config;

/**
 * Upstream deadlines in milliseconds: connecting, the first output, the longest silent gap and the
 * whole call. Null fields fall back to the router settings.
 */
public record Timeouts(Long connectMs, Long firstTokenMs, Long idleMs, Long totalMs) {

    public static final Timeouts DEFAULTS = new Timeouts(10_000L, 120_000L, 60_000L, 600_000L);

    /** This, with unset fields taken from {@code base}. */
    public Timeouts orElse(Timeouts base) {
        if (base == null) return this;
        return new Timeouts(
                connectMs != null ? connectMs : base.connectMs,
                firstTokenMs != null ? firstTokenMs : base.firstTokenMs,
                idleMs != null ? idleMs : base.idleMs,
                totalMs != null ? totalMs : base.totalMs);
    }
}
