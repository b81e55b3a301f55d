package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * An upstream SSE response read as JSON events, incrementally: each {@code data:} payload is
 * parsed as it completes and handed on; nothing buffers the stream. {@code [DONE]} marks a proper
 * end. A stream that ends without it (and without any finish reason), that carries an
 * {@code error} object, or that has malformed JSON fails with a transient error, so a truncation
 * is never silent. Pause and resume act on the upstream socket.
 */
public final class SseJsonSource implements EventSource<ObjectNode> {

    private final HttpClientResponse response;
    private final CallDeadlines deadlines;
    private final java.util.function.Predicate<JsonNode> finishes;
    private EventSink<ObjectNode> sink;
    private boolean done;
    private boolean sawDone;
    private boolean sawFinish;
    private Throwable early;

    public SseJsonSource(HttpClientResponse response, CallDeadlines deadlines) {
        this(response, deadlines, SseJsonSource::hasFinishReason);
    }

    /**
     * For a format whose streams end without {@code [DONE]} (Gemini): {@code finishes} tells an
     * event that completes the stream, so an end after one is proper and an end before one is a
     * truncation.
     */
    public SseJsonSource(HttpClientResponse response, CallDeadlines deadlines, java.util.function.Predicate<JsonNode> finishes) {
        this.response = response;
        this.deadlines = deadlines;
        this.finishes = finishes;
        response.pause();
        // a connection that fails before start() must not be lost: the failure is kept for start()
        response.exceptionHandler(t -> early = t);
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
    public void start(EventSink<ObjectNode> sink) {
        this.sink = sink;
        if (early != null) {
            onFailure(early); // the response is over: it takes no more handlers
            return;
        }
        SseParser parser = new SseParser(this::onEvent);
        response.handler(parser::feed);
        response.exceptionHandler(this::onFailure);
        response.endHandler(v -> {
            parser.end();
            if (done) return;
            if (sawDone || sawFinish) finish(null);
            else finish(UpstreamErrors.transport(new IOException("the provider's stream ended before it was complete")));
        });
        response.resume();
    }

    private void onEvent(String event, String data) {
        if (done) return;
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
            fail(UpstreamErrors.classify(500, -1, node, "error event in the provider's stream: " + data));
            return;
        }
        if (!sawFinish && finishes.test(node)) sawFinish = true;
        sink.onEvent((ObjectNode) node);
    }

    private void onFailure(Throwable t) {
        if (done) return;
        String which = deadlines.expired();
        finish(which != null ? UpstreamErrors.timeout(which, t.toString()) : UpstreamErrors.transport(t));
    }

    private void fail(UpstreamException e) {
        finish(e);
        response.request().reset();
    }

    private void finish(UpstreamException error) {
        if (done) return;
        done = true;
        deadlines.settle();
        if (error == null) sink.onEnd();
        else sink.onError(error);
    }

    @Override
    public void pause() {
        deadlines.paused();
        response.pause();
    }

    @Override
    public void resume() {
        deadlines.resumed();
        response.resume();
    }

    @Override
    public void cancel() {
        if (done) return;
        done = true;
        deadlines.settle();
        response.request().reset();
    }
}
