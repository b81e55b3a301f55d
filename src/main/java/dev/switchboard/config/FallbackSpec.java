package dev.switchboard.config;

import java.util.List;

/** A fallback chain for one primary model and one failure reason. */
public record FallbackSpec(String primaryModel, String reason, List<String> targets) {

    public FallbackSpec {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }
}
