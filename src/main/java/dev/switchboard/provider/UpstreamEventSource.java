package dev.switchboard.provider;

import dev.switchboard.transport.CallDeadlines;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * The life of an upstream stream, the same for every wire format: the response is paused until
 * {@link #start}; a connection failure before that is kept and reported when the stream starts;
 * pause and resume act on the upstream socket (and suspend the idle deadline); the stream ends
 * exactly once — properly, with an error, or cancelled — and settles its deadlines. A subclass
 * only reads bytes into events: {@link #bytes}, and {@link #completed} to tell a proper end from
 * a truncation, which is never silent.
 */
public abstract class UpstreamEventSource<T> implements EventSource<T> {

    protected final HttpClientResponse response;
    protected final CallDeadlines deadlines;
    private EventSink<T> sink;
    private boolean done;
    private Throwable early;

    protected UpstreamEventSource(HttpClientResponse response, CallDeadlines deadlines) {
        this.response = response;
        this.deadlines = deadlines;
        response.pause();
        // a connection that fails before start() must not be lost: the failure is kept for start()
        response.exceptionHandler(t -> early = t);
    }

    /** The next bytes of the upstream body, in order; events go out through {@link #emit}. */
    protected abstract void bytes(Buffer chunk);

    /** The body ended: flush what is buffered (through {@link #emit}) and say whether the stream was complete. */
    protected abstract boolean completed();

    @Override
    public final void start(EventSink<T> sink) {
        this.sink = sink;
        if (early != null) {
            onFailure(early); // the response is over: it takes no more handlers
            return;
        }
        response.handler(this::bytes);
        response.exceptionHandler(this::onFailure);
        response.endHandler(v -> {
            if (done) return;
            boolean complete = completed();
            if (done) return;
            if (complete) finish(null);
            else finish(UpstreamErrors.transport(new IOException("the provider's stream ended before it was complete")));
        });
        response.resume();
    }

    /** Whether the stream has ended (events after that are dropped). */
    protected final boolean done() {
        return done;
    }

    /** One event for the consumer (the subclass tells the idle deadline what counts as a sign of life). */
    protected final void emit(T event) {
        if (!done) sink.onEvent(event);
    }

    /** The stream is broken (an error event, malformed data): it fails, and the upstream request is reset. */
    protected final void fail(UpstreamException e) {
        finish(e);
        response.request().reset();
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
    public final void pause() {
        deadlines.paused();
        response.pause();
    }

    @Override
    public final void resume() {
        deadlines.resumed();
        response.resume();
    }

    @Override
    public final void cancel() {
        if (done) return;
        done = true;
        deadlines.settle();
        response.request().reset();
    }
}
