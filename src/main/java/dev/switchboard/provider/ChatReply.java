package dev.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * What a provider answers a chat attempt with: native (already in the client's wire format, from
 * passthrough) or canonical, complete or streamed. {@code headers} are the provider's response
 * headers that may reach the client.
 */
public sealed interface ChatReply {

    MultiMap headers();

    /**
     * A complete answer already in the client's format and ready to send ({@code model} set to the
     * client's name), with the usage read from it and the provider's model id.
     */
    record NativeJson(Buffer body, Usage usage, String upstreamModel, MultiMap headers) implements ChatReply {}

    /** Streamed chunks in the client's format (for OpenAI: {@code chat.completion.chunk} objects). */
    record NativeStream(EventSource<ObjectNode> chunks, MultiMap headers) implements ChatReply {}

    record CanonicalJson(ChatResponse response, MultiMap headers) implements ChatReply {}

    record CanonicalStream(EventSource<StreamEvent> events, MultiMap headers) implements ChatReply {}
}
