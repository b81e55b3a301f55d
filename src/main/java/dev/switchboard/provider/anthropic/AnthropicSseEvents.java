package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import java.io.IOException;

/**
 * Reads the server-sent events of an Anthropic Messages stream as JSON objects, with no I/O of its
 * own: an {@link SseParser} feeds it, it hands each event on. Each Anthropic event names itself
 * twice, in the SSE {@code event:} line and in the data's {@code type}; the data is what is handed
 * on, so whoever writes the events out again in Anthropic's format must put back an
 * {@code event: <type>} line for each.
 * <ul>
 *   <li>{@code ping} events are dropped: keep-alives are the client side's own business.</li>
 *   <li>An {@code error} event fails the stream with its {@link AnthropicErrors classified} error.</li>
 *   <li>Malformed JSON, or data that is not an object, fails it as a transient error.</li>
 *   <li>When {@code publicModel} is given, {@code message_start.message.model} is set to it, so a
 *       native stream shows the client the name it asked for, as a native JSON reply does.</li>
 * </ul>
 * Not thread-safe: one per stream.
 */
final class AnthropicSseEvents implements SseParser.Listener {

    /** Receives the events; after {@code failed}, nothing more arrives. */
    interface Handler {
        void event(ObjectNode event);

        void failed(UpstreamException error);
    }

    private final String publicModel;
    private final Handler handler;
    private boolean stopped;
    private boolean failed;

    AnthropicSseEvents(String publicModel, Handler handler) {
        this.publicModel = publicModel;
        this.handler = handler;
    }

    @Override
    public void onEvent(String event, String data) {
        if (failed) return;
        JsonNode node;
        try {
            node = Json.parse(data);
        } catch (IOException e) {
            fail(UpstreamErrors.transport(new IOException("malformed JSON in the provider's stream")));
            return;
        }
        if (!node.isObject()) {
            fail(UpstreamErrors.transport(new IOException("non-object event in the provider's stream")));
            return;
        }
        String type = Json.str(node, "type");
        if (type == null) type = event;
        if ("ping".equals(type)) return;
        if ("error".equals(type) || "error".equals(event)) {
            fail(AnthropicErrors.streamError(node, "error event in the provider's stream: " + data));
            return;
        }
        if ("message_stop".equals(type)) stopped = true;
        if (publicModel != null && "message_start".equals(type) && node.get("message") instanceof ObjectNode m) m.put("model", publicModel);
        handler.event((ObjectNode) node);
    }

    /** Whether the stream ended properly, with {@code message_stop}. */
    boolean complete() {
        return stopped;
    }

    boolean failed() {
        return failed;
    }

    private void fail(UpstreamException e) {
        failed = true;
        handler.failed(e);
    }
}
