package dev.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;

/** An embeddings answer, native (the provider's body, client format) or canonical. */
public sealed interface EmbeddingReply {

    MultiMap headers();

    record Native(ObjectNode body, Usage usage, String upstreamModel, MultiMap headers) implements EmbeddingReply {}

    record Canonical(EmbeddingResponse response, MultiMap headers) implements EmbeddingReply {}
}
