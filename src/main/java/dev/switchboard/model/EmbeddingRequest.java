package dev.switchboard.model;

import java.util.List;

/** An embeddings request: one vector per input text. {@code dimensions} null means the model's own size. */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions, String encodingFormat) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }
}
