package dev.switchboard.config;

import java.util.List;

/** A fallback chain for one primary model and one failure reason; {@code source} is {@code file} or {@code api}. */
public record FallbackSpec(String primaryModel, String reason, List<String> targets, String source) {

    public FallbackSpec {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    public FallbackSpec withSource(String source) {
        return new FallbackSpec(primaryModel, reason, targets, source);
    }
}
