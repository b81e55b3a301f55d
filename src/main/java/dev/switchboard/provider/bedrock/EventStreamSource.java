package dev.switchboard.provider.bedrock;

import dev.switchboard.transport.EventStreamDecoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Json;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * An upstream AWS event stream read as frames, incrementally ({@link EventStreamDecoder}): each
 * frame is handed on as soon as its last byte arrives. An {@code exception} (or {@code error})
 * frame fails the stream with the error its {@code :exception-type} names
 * ({@link BedrockErrors#exception}); a corrupt frame, or an end before {@code messageStop} (or
 * in the middle of a frame), fails it as a transient transport error, so a truncation is never
 * silent. Pause and resume act on the upstream socket; a connection failure before
 * {@link #start} is kept for it.
 */
final class EventStreamSource implements EventSource<EventStreamDecoder.Frame> {

    private final HttpClientResponse response;
    private final CallDeadlines deadlines;
    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private EventSink<EventStreamDecoder.Frame> sink;
    private boolean done;
    private boolean sawStop;
    private Throwable early;

    EventStreamSource(HttpClientResponse response, CallDeadlines deadlines) {
        this.response = response;
        this.deadlines = deadlines;
        response.pause();
        // a connection that fails before start() must not be lost: the failure is kept for start()
        response.exceptionHandler(t -> early = t);
    }

    @Override
    public void start(EventSink<EventStreamDecoder.Frame> sink) {
        this.sink = sink;
        if (early != null) {
            onFailure(early);
            return;
        }
        response.handler(chunk -> {
            if (done) return;
            try {
                decoder.feed(chunk, this::onFrame);
            } catch (IOException e) {
                fail(UpstreamErrors.transport(new IOException("corrupt event stream from the provider: " + e.getMessage())));
            }
        });
        response.exceptionHandler(this::onFailure);
        response.endHandler(v -> {
            if (done) return;
            if (sawStop && decoder.pendingBytes() == 0) finish(null);
            else finish(UpstreamErrors.transport(new IOException("the provider's stream ended before it was complete")));
        });
        response.resume();
    }

    private void onFrame(EventStreamDecoder.Frame frame) {
        if (done) return;
        deadlines.event();
        String type = frame.messageType();
        if (!"event".equals(type)) {
            JsonNode body = null;
            try {
                body = Json.parse(frame.payload());
            } catch (IOException ignored) {
                // classified by its exception type alone
            }
            String name = frame.header(":exception-type");
            if (name == null) name = frame.header(":error-code");
            fail(BedrockErrors.exception(name, body, "exception frame in the provider's stream: " + name + " " + frame.payloadText()));
            return;
        }
        if ("messageStop".equals(frame.eventType())) sawStop = true;
        sink.onEvent(frame);
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
