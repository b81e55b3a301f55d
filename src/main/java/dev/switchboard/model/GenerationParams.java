package dev.switchboard.model;

import java.util.List;

/** Sampling and length settings; null means "not set by the client", never a default. */
public record GenerationParams(
        Double temperature,
        Double topP,
        Integer maxTokens,
        List<String> stop,
        Long seed,
        Integer n,
        Double presencePenalty,
        Double frequencyPenalty,
        String reasoningEffort) {

    public static final GenerationParams NONE =
            new GenerationParams(null, null, null, List.of(), null, null, null, null, null);

    public GenerationParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
