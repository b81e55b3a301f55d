package dev.switchboard.auth;

import dev.switchboard.config.Budget;
import dev.switchboard.config.Limits;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A virtual key as the store keeps it: never the key itself, only the hex SHA-256 of it and a
 * prefix to show. {@code systemPrompt}, when set, becomes the first system message of every
 * request made with the key.
 *
 * @param keyPrefix the first characters of the key, enough to tell keys apart in a list
 * @param source    {@code file} (from {@code SWITCHBOARD_CONFIG}, read-only through the API) or {@code api}
 */
public record VirtualKey(
        String id,
        String name,
        String keyHash,
        String keyPrefix,
        String teamId,
        List<String> allowedModels,
        Budget budget,
        Limits limits,
        String systemPrompt,
        Instant expiresAt,
        boolean enabled,
        Map<String, Object> metadata,
        String source,
        Instant createdAt,
        Instant updatedAt) {

    public VirtualKey {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        // the store keeps milliseconds: a key answered by the API must equal the key read back
        createdAt = createdAt == null ? null : createdAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        updatedAt = updatedAt == null ? null : updatedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The same key with a new secret, as a rotation leaves it. */
    public VirtualKey withSecret(String keyHash, String keyPrefix, Instant now) {
        return new VirtualKey(id, name, keyHash, keyPrefix, teamId, allowedModels, budget, limits, systemPrompt, expiresAt, enabled,
                metadata, source, createdAt, now);
    }
}
