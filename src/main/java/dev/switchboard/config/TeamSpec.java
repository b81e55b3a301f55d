package dev.switchboard.config;

import java.util.Map;

/** A team: a budget and limits shared by its keys. {@code source} is {@code file} or {@code api}. */
public record TeamSpec(String id, String name, Budget budget, Limits limits, Map<String, Object> metadata, String source) {

    public TeamSpec {
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    public TeamSpec with(String id, String source) {
        return new TeamSpec(id, name, budget, limits, metadata, source);
    }
}
