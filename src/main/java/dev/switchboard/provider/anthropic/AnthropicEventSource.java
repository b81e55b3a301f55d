package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.SseParser;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * An Anthropic SSE response as a pull-paced source of event objects ({@link AnthropicSseEvents}
 * says which and how). A stream that ends without {@code message_stop} fails as a transient
 * error, so a truncation is never silent; an {@code error} event fails it with its own class.
 * Every event, pings included, counts as a sign of life for the idle deadline. Pause and resume
 * act on the upstream socket; a connection failure between the reply and {@link #start} is
 * reported when the stream starts.
 */
final class AnthropicEventSource implements EventSource<ObjectNode> {

    private final HttpClientResponse response;
    private final CallDeadlines deadlines;
    private final String publicModel;
    private EventSink<ObjectNode> sink;
    private boolean done;
    private Throwable early;

    /** @param publicModel the client's model name to show in {@code message_start} (native streams), or null */
    AnthropicEventSource(HttpClientResponse response, CallDeadlines deadlines, String publicModel) {
        this.response = response;
        this.deadlines = deadlines;
        this.publicModel = publicModel;
        response.pause();
        // a connection that fails before start() must not be lost: the failure is kept for start()
        response.exceptionHandler(t -> early = t);
    }

    @Override
    public void start(EventSink<ObjectNode> sink) {
        this.sink = sink;
        if (early != null) {
            // the response is over: Vert.x takes no more handlers for it
            onFailure(early);
            return;
        }
        AnthropicSseEvents events = new AnthropicSseEvents(publicModel, new AnthropicSseEvents.Handler() {
            @Override
            public void event(ObjectNode event) {
                if (!done) sink.onEvent(event);
            }

            @Override
            public void failed(UpstreamException error) {
                finish(error);
                response.request().reset();
            }
        });
        SseParser parser = new SseParser((event, data) -> {
            if (done) return;
            deadlines.event();
            events.onEvent(event, data);
        });
        response.handler(parser::feed);
        response.exceptionHandler(this::onFailure);
        response.endHandler(v -> {
            parser.end();
            if (done) return;
            if (events.complete()) finish(null);
            else finish(UpstreamErrors.transport(new IOException("the provider's stream ended before message_stop")));
        });
        response.resume();
    }

    private void onFailure(Throwable t) {
        if (done) return;
        String which = deadlines.expired();
        finish(which != null ? UpstreamErrors.timeout(which, t.toString()) : UpstreamErrors.transport(t));
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
