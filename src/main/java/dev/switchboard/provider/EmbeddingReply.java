package dev.switchboard.provider;

import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** An embeddings answer, native (the provider's body, client format) or canonical. */
public sealed interface EmbeddingReply {

    MultiMap headers();

    /** The provider's body, ready to send ({@code model} set to the client's name). */
    record Native(Buffer body, Usage usage, String upstreamModel, MultiMap headers) implements EmbeddingReply {}

    record Canonical(EmbeddingResponse response, MultiMap headers) implements EmbeddingReply {}
}
