package dev.switchboard.model;

import java.util.List;

/**
 * An embeddings request: one vector per input text. {@code dimensions} null means the model's own size.
 *
 * @param tokenInput whether the client sent token ids (OpenAI's arrays of integers) rather than
 *                   text: {@code inputs} then holds each array's ids joined by spaces, which only a
 *                   native body or an in-process provider may stand for
 */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions, String encodingFormat, boolean tokenInput) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }

    /** Text inputs. */
    public EmbeddingRequest(String model, List<String> inputs, Integer dimensions, String encodingFormat) {
        this(model, inputs, dimensions, encodingFormat, false);
    }
}
