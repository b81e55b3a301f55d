package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Anthropic's SSE framing: every event is named ({@code event: <type>}) and its data's
 * {@code type} is the same name. The keep-alive is {@code event: ping}; a failure after the
 * commit point is {@code event: error}.
 */
final class AnthropicStreams {

    static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\": \"ping\"}\n\n");
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private AnthropicStreams() {}

    /** Appends {@code event: name} and {@code data: json} to {@code out}. */
    static Buffer append(Buffer out, String name, JsonNode data) {
        return out.appendBytes(EVENT).appendString(name).appendBytes(DATA).appendBytes(Json.bytes(data)).appendBytes(END);
    }

    /**
     * Native events from an Anthropic upstream, one {@code data:} object each, named by their
     * {@code type}: {@code message_start}'s model becomes the client's name, the usage of
     * {@code message_start} and {@code message_delta} is read for accounting, and upstream pings
     * are dropped (the relay sends its own while the upstream is silent). The upstream's
     * {@code message_stop} ends the stream, so the end adds nothing.
     */
    static SseResponse.Framing<ObjectNode> nativeFraming(String clientModel, String requestId, Consumer<Usage> usage) {
        NativeUsage seen = new NativeUsage();
        return SseResponse.framing(event -> {
            String type = Json.str(event, "type");
            if (type == null || type.equals("ping")) return null;
            if (type.equals("message_start") && event.get("message") instanceof ObjectNode message) {
                message.put("model", clientModel);
                usage.accept(seen.merge(message.get("usage")));
            } else if (type.equals("message_delta") && event.has("usage")) {
                usage.accept(seen.merge(event.get("usage")));
            }
            return append(Buffer.buffer(128), type, event);
        }, null, e -> ErrorRenderer.anthropicStreamError(e.error(), requestId));
    }

    /** The usage of a native stream so far: {@code message_delta}'s counts are cumulative and win field by field. */
    private static final class NativeUsage {
        long input;
        long cacheRead;
        long cacheWrite;
        long output;

        Usage merge(JsonNode u) {
            if (u != null && u.isObject()) {
                if (u.hasNonNull("input_tokens")) input = u.get("input_tokens").asLong();
                if (u.hasNonNull("cache_read_input_tokens")) cacheRead = u.get("cache_read_input_tokens").asLong();
                if (u.hasNonNull("cache_creation_input_tokens")) cacheWrite = u.get("cache_creation_input_tokens").asLong();
                if (u.hasNonNull("output_tokens")) output = u.get("output_tokens").asLong();
            }
            return new Usage(input + cacheRead + cacheWrite, output, cacheRead, cacheWrite, 0, false);
        }
    }
}
