package dev.switchboard.config;

import java.util.Map;

/**
 * The router-settings document of CONTRACT.md. Every field is optional; {@link #withDefaults()}
 * fills the contract's defaults, so code downstream never sees a null.
 */
public record RouterSettings(
        String strategy,
        Map<String, ModelOverride> modelOverrides,
        Integer maxAttempts,
        Backoff backoff,
        Integer allowedFails,
        Integer failureWindowSeconds,
        Cooldown cooldown,
        Timeouts timeouts,
        String unsupportedParameters,
        String redisFailure,
        Integer defaultOutputReservationTokens) {

    public record ModelOverride(String strategy) {}

    public record Backoff(Long baseMs, Long maxMs) {}

    public record Cooldown(Long initialSeconds, Long maxSeconds) {}

    public static final RouterSettings DEFAULTS = new RouterSettings(
            "simple-shuffle", Map.of(), 3, new Backoff(100L, 2000L), 3, 60,
            new Cooldown(5L, 300L), Timeouts.DEFAULTS, "drop", "open", 1000);

    public RouterSettings withDefaults() {
        RouterSettings d = DEFAULTS;
        return new RouterSettings(
                strategy != null ? strategy : d.strategy,
                modelOverrides != null ? Map.copyOf(modelOverrides) : d.modelOverrides,
                maxAttempts != null ? maxAttempts : d.maxAttempts,
                backoff == null ? d.backoff : new Backoff(
                        backoff.baseMs != null ? backoff.baseMs : d.backoff.baseMs,
                        backoff.maxMs != null ? backoff.maxMs : d.backoff.maxMs),
                allowedFails != null ? allowedFails : d.allowedFails,
                failureWindowSeconds != null ? failureWindowSeconds : d.failureWindowSeconds,
                cooldown == null ? d.cooldown : new Cooldown(
                        cooldown.initialSeconds != null ? cooldown.initialSeconds : d.cooldown.initialSeconds,
                        cooldown.maxSeconds != null ? cooldown.maxSeconds : d.cooldown.maxSeconds),
                timeouts == null ? d.timeouts : timeouts.orElse(d.timeouts),
                unsupportedParameters != null ? unsupportedParameters : d.unsupportedParameters,
                redisFailure != null ? redisFailure : d.redisFailure,
                defaultOutputReservationTokens != null ? defaultOutputReservationTokens : d.defaultOutputReservationTokens);
    }
}
