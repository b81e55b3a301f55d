package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.openai.OpenAiProvider;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How an OpenAI Chat Completions stream is framed for the client, from a native upstream (chunks
 * already in OpenAI's shape) or from canonical events. Either way the client sees the model name
 * it asked for, the usage chunk only when it asked for it (the gateway's estimate when the
 * provider reports none), and {@code data: [DONE]} at the end or
 * an error event then {@code [DONE]} after a failure.
 */
final class OpenAiStreams {

    static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    static final Buffer PING = Buffer.buffer(": ping\n\n");

    private OpenAiStreams() {}

    static Buffer frame(JsonNode chunk) {
        byte[] json = Json.bytes(chunk);
        return Buffer.buffer(json.length + 8).appendString("data: ").appendBytes(json).appendString("\n\n");
    }

    static Buffer error(UpstreamException e) {
        return ErrorRenderer.openAiStreamError(e.error());
    }

    /**
     * Native chunks: {@code model} rewritten to the client's name; usage captured for accounting;
     * when the client did not ask for usage, the usage-only chunk is dropped and the
     * {@code "usage": null} fields the gateway's own request caused are removed. When it asked and
     * the provider sent none, the stream ends with a usage chunk of the gateway's estimate.
     *
     * @param estimate the usage to show when the provider reports none, counted off the event loop
     *                 when long; null when the client did not ask for usage
     */
    static SseResponse.Framing<ObjectNode> nativeFraming(String clientModel, Supplier<Future<Usage>> estimate, Consumer<Usage> usage) {
        boolean includeUsage = estimate != null;
        return new SseResponse.Framing<>() {
            /** The last chunk sent, whose id and times an estimated usage chunk repeats. */
            private ObjectNode last;
            private boolean usageSeen;
            /** The estimate to show at the end, once counted. */
            private Usage estimated;

            @Override
            public Buffer event(ObjectNode chunk) {
                chunk.put("model", clientModel);
                JsonNode u = chunk.get("usage");
                if (u != null && u.isObject()) {
                    usage.accept(OpenAiProvider.usage(u));
                    usageSeen = true;
                }
                if (!includeUsage && u != null) {
                    JsonNode choices = chunk.get("choices");
                    if (u.isObject() && (choices == null || choices.isEmpty())) return null;
                    chunk.remove("usage");
                }
                last = chunk;
                return frame(chunk);
            }

            @Override
            public Future<?> beforeEnd() {
                if (!includeUsage || usageSeen || last == null) return Future.succeededFuture();
                return estimate.get().onSuccess(u -> {
                    estimated = u;
                    usage.accept(u);
                });
            }

            @Override
            public Buffer end() {
                if (estimated == null) return DONE;
                ObjectNode c = Json.object();
                for (String field : List.of("id", "object", "created", "model", "system_fingerprint")) {
                    if (last.has(field)) c.set(field, last.get(field));
                }
                c.putArray("choices");
                c.set("usage", OpenAiChatEncoder.usage(estimated));
                return Buffer.buffer(512).appendBuffer(frame(c)).appendBuffer(DONE);
            }

            @Override
            public Buffer error(UpstreamException e) {
                return OpenAiStreams.error(e);
            }
        };
    }

    /**
     * A chunk per canonical event (or none), and what the encoder kept for the end; usage reported
     * on the way (a canonical stream always reports it: the gateway's estimate when its provider
     * did not, see {@code Dispatch}).
     */
    static SseResponse.Framing<StreamEvent> canonicalFraming(String clientModel, boolean includeUsage, boolean legacyFunctions,
                                                             boolean signsAfterText, Consumer<Usage> usage) {
        return framing(new OpenAiChunkEncoder(clientModel, includeUsage, legacyFunctions, signsAfterText), usage);
    }

    /** How canonical events become OpenAI-shaped chunks: chat's {@link OpenAiChunkEncoder}, legacy completions' own. */
    interface ChunkEncoding {
        /** The chunk for this event, or null when it shows nothing now. */
        ObjectNode encode(StreamEvent event);

        /** The chunks kept for the end of the stream (finish reasons, the usage). */
        List<ObjectNode> end();
    }

    /** Frames what {@code encoder} makes: its chunks as they come, then the kept ones and {@code [DONE]}, or an error event. */
    static SseResponse.Framing<StreamEvent> framing(ChunkEncoding encoder, Consumer<Usage> usage) {
        return new SseResponse.Framing<>() {
            @Override
            public Buffer event(StreamEvent event) {
                if (event instanceof StreamEvent.UsageReport r) usage.accept(r.usage());
                ObjectNode chunk = encoder.encode(event);
                return chunk == null ? null : frame(chunk);
            }

            @Override
            public Buffer end() {
                Buffer out = Buffer.buffer(512);
                for (ObjectNode chunk : encoder.end()) out.appendBuffer(frame(chunk));
                return out.appendBuffer(DONE);
            }

            @Override
            public Buffer error(UpstreamException e) {
                return OpenAiStreams.error(e);
            }
        };
    }
}
