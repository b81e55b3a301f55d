package dev.switchboard.config;

import java.util.Map;

/** A team: a budget and limits shared by its keys. */
public record TeamSpec(String id, String name, Budget budget, Limits limits, Map<String, Object> metadata) {

    public TeamSpec {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
