package dev.switchboard.model;

import java.util.List;

/** One vector per input, in input order. */
public record EmbeddingResponse(List<float[]> vectors, Usage usage) {

    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }
}
