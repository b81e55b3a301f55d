package dev.switchboard.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A virtual key. {@code key} is a fixed value from the config file (plain text only in the file;
 * the gateway keeps its SHA-256 hash). {@code team} names a team of the same file.
 */
public record KeySpec(
        String id,
        String name,
        String key,
        String team,
        List<String> allowedModels,
        Budget budget,
        Limits limits,
        String systemPrompt,
        Instant expiresAt,
        Boolean enabled,
        Map<String, Object> metadata) {

    public KeySpec {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        enabled = enabled == null || enabled;
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }
}
