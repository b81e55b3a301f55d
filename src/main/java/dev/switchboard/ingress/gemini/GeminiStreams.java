package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * How a {@code streamGenerateContent} answer is framed for the client. With {@code alt=sse}:
 * one {@code data: {chunk}} event per chunk and no end marker (Gemini has none). Without it,
 * Gemini's default: one JSON array, {@code [} then the chunks separated by {@code ,} then
 * {@code ]}, written chunk by chunk as they come — a client reading it whole gets a valid array.
 * A failure after the commit point is a last chunk {@code {"error":{"code","message","status"}}}
 * (as an event, or as the array's last element).
 *
 * <p>The keep-alive is a bare line break, not {@code : ping}: Google's own Python SDK reads every
 * non-empty line that does not start with {@code data: } as JSON and would fail on a comment,
 * while it skips empty lines; in the array form a line break is JSON whitespace. Not thread-safe:
 * one framing per response.
 */
final class GeminiStreams {

    static final Buffer PING = Buffer.buffer("\n");
    static final String SSE = SseResponse.EVENT_STREAM;
    static final String ARRAY = "application/json; charset=utf-8";

    private GeminiStreams() {}

    /** Chunks from a Gemini provider, already stamped with the client's model name; usage read on the way. */
    static SseResponse.Framing<ObjectNode> nativeFraming(boolean sse, Consumer<Usage> usage) {
        Frames frames = new Frames(sse);
        return new SseResponse.Framing<>() {
            @Override
            public Buffer event(ObjectNode chunk) {
                JsonNode m = GeminiWire.field(chunk, "usageMetadata");
                if (GeminiWire.hasCounts(m)) usage.accept(GeminiWire.usage(m));
                return frames.frame(null, chunk);
            }

            @Override
            public Buffer end() {
                return frames.end(null);
            }

            @Override
            public Buffer error(UpstreamException e) {
                return frames.error(null, e);
            }
        };
    }

    static SseResponse.Framing<StreamEvent> canonicalFraming(String clientModel, boolean includeThoughts, boolean sse,
                                                             Consumer<Usage> usage) {
        GeminiChunkEncoder encoder = new GeminiChunkEncoder(clientModel, includeThoughts);
        Frames frames = new Frames(sse);
        return new SseResponse.Framing<>() {
            @Override
            public Buffer event(StreamEvent event) {
                if (event instanceof StreamEvent.UsageReport r) usage.accept(r.usage());
                Buffer[] out = {null};
                encoder.encode(event, chunk -> out[0] = frames.frame(out[0], chunk));
                return out[0];
            }

            @Override
            public Buffer end() {
                Buffer[] out = {null};
                encoder.end(chunk -> out[0] = frames.frame(out[0], chunk));
                return frames.end(out[0]);
            }

            @Override
            public Buffer error(UpstreamException e) {
                Buffer[] out = {null};
                encoder.end(chunk -> out[0] = frames.frame(out[0], chunk));
                return frames.error(out[0], e);
            }
        };
    }

    /** SSE events or the elements of one JSON array; remembers whether the array has begun. */
    private static final class Frames {
        private final boolean sse;
        private boolean opened;

        Frames(boolean sse) {
            this.sse = sse;
        }

        /** {@code into} with one more chunk appended (a new buffer when {@code into} is null). */
        Buffer frame(Buffer into, JsonNode chunk) {
            byte[] json = Json.lineSafeBytes(chunk); // Google's Python SDK splits lines at U+2028 too
            Buffer b = into != null ? into : Buffer.buffer(json.length + 8);
            if (sse) return b.appendString("data: ").appendBytes(json).appendString("\n\n");
            b.appendString(opened ? ",\r\n" : "[");
            opened = true;
            return b.appendBytes(json);
        }

        Buffer end(Buffer into) {
            if (sse) return into;
            Buffer b = into != null ? into : Buffer.buffer(2);
            return b.appendString(opened ? "]" : "[]");
        }

        Buffer error(Buffer into, UpstreamException e) {
            Buffer b = frame(into, ErrorRenderer.geminiBody(e.error()));
            return sse ? b : b.appendString("]");
        }
    }
}
