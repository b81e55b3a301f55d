package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * An upstream SSE response read as JSON events, incrementally: each {@code data:} payload is
 * parsed as it completes and handed on; nothing buffers the stream. {@code [DONE]} marks a proper
 * end. A stream that ends without it (and without any finish reason), that carries an
 * {@code error} object, or that has malformed JSON fails with a transient error, so a truncation
 * is never silent. Pause and resume act on the upstream socket.
 */
public final class SseJsonSource extends UpstreamEventSource<ObjectNode> {

    private final java.util.function.Predicate<JsonNode> finishes;
    private final SseParser parser = new SseParser(this::onEvent);
    private boolean sawDone;
    private boolean sawFinish;

    public SseJsonSource(HttpClientResponse response, CallDeadlines deadlines) {
        this(response, deadlines, SseJsonSource::hasFinishReason);
    }

    /**
     * For a format whose streams end without {@code [DONE]} (Gemini): {@code finishes} tells an
     * event that completes the stream, so an end after one is proper and an end before one is a
     * truncation.
     */
    public SseJsonSource(HttpClientResponse response, CallDeadlines deadlines, java.util.function.Predicate<JsonNode> finishes) {
        super(response, deadlines);
        this.finishes = finishes;
    }

    private static boolean hasFinishReason(JsonNode node) {
        JsonNode choices = node.get("choices");
        if (choices != null) {
            for (JsonNode c : choices) {
                if (c.hasNonNull("finish_reason")) return true;
            }
        }
        return false;
    }

    @Override
    protected void bytes(Buffer chunk) {
        parser.feed(chunk);
    }

    @Override
    protected boolean completed() {
        parser.end();
        return sawDone || sawFinish;
    }

    private void onEvent(String event, String data) {
        if (done()) return;
        deadlines.event();
        if (data.equals("[DONE]")) {
            sawDone = true;
            return;
        }
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
        if (node.has("error") || "error".equals(event)) {
            // a throttle keeps its class (retried elsewhere, its wait kept), anything else is a 5xx
            JsonNode err = node.path("error");
            String kind = (err.path("type").asText("") + " " + err.path("code").asText("")).toLowerCase(java.util.Locale.ROOT);
            int status = kind.contains("rate_limit") || kind.contains("insufficient_quota") ? 429 : 500;
            fail(UpstreamErrors.classify(status, -1, node, "error event in the provider's stream: " + data));
            return;
        }
        if (!sawFinish && finishes.test(node)) sawFinish = true;
        emit((ObjectNode) node);
    }
}
