package dev.switchboard.http;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Relays an {@link EventSource} to the client as server-sent events, in any inbound format: the
 * format supplies how an event, the end and an error are framed. It commits the SSE headers
 * (never compressed), writes and flushes each frame as it comes, pauses the source while the
 * client socket is full and resumes it on drain, sends a keep-alive comment while the upstream
 * is silent, and cancels the upstream when the client goes away.
 *
 * <p>Not thread-safe: one per response, on the response's event loop.
 */
public final class SseResponse<T> implements EventSource.EventSink<T> {

    /** How one inbound format frames a stream. {@code event} returns null for an event the client does not see. */
    public interface Framing<T> {
        Buffer event(T event);

        /**
         * What {@link #end} waits for, off the event loop: the native chat stream's estimated
         * usage, whose prompt may be long to count. Nothing by default.
         */
        default Future<?> beforeEnd() {
            return Future.succeededFuture();
        }

        Buffer end();

        Buffer error(UpstreamException error);
    }

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final Framing<T> framing;
    private final long pingMs;
    private final Buffer ping;
    private final Consumer<UpstreamException> onFinish;
    private EventSource<T> source;
    private static final UpstreamException SHUTTING_DOWN = new UpstreamException(FailureClass.GATEWAY,
            GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE, "This instance is shutting down and the stream outlasted its grace period; send the request again."),
            0, "the shutdown grace period is over");
    /** The content type of an event stream, unless a format names its own. */
    public static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    private String contentType = EVENT_STREAM;
    private long pingTimer = -1;
    private long lastWriteNanos;
    private boolean finished;
    /** The source ended and the end is being framed: the answer is whole, a shutdown leaves it be. */
    private boolean ending;

    /** @param onFinish runs once when the relay ends: with the failure that ended it, or null */
    public SseResponse(Vertx vertx, HttpServerResponse response, Framing<T> framing, long pingMs, Buffer ping,
                       Consumer<UpstreamException> onFinish) {
        this.vertx = vertx;
        this.response = response;
        this.framing = framing;
        this.pingMs = pingMs;
        this.ping = ping;
        this.onFinish = onFinish;
    }

    /**
     * The content type of the relayed stream, for a format that streams something other than SSE
     * (Gemini's JSON array, framed by its {@link Framing}); set before {@link #start}.
     */
    public SseResponse<T> contentType(String value) {
        this.contentType = value;
        return this;
    }

    /** The headers of an event stream: its content type, no caching, no proxy buffering. */
    public static void headers(HttpServerResponse response, String contentType) {
        response.putHeader("content-type", contentType);
        response.putHeader("cache-control", "no-cache");
        response.putHeader("x-accel-buffering", "no");
    }

    /**
     * Writes the status line and headers (the commit point) and starts relaying.
     *
     * @param clientGone cancelled when the client goes away before the end (the request's end
     *                   handler does it; the response's own close and exception handlers stay
     *                   with the router, which runs the request's end handlers from them)
     * @param onGraceOver   takes what ends the stream if the instance's shutdown grace is over
     *                      first ({@code Exchange::onGraceOver})
     */
    public void start(EventSource<T> source, Cancellation clientGone, Consumer<Runnable> onGraceOver) {
        this.source = source;
        Context context = vertx.getOrCreateContext();
        onGraceOver.accept(() -> context.runOnContext(v -> shutDown()));
        response.setStatusCode(200);
        headers(response, contentType);
        response.setChunked(true);
        clientGone.onCancel(this::clientGone);
        response.drainHandler(v -> {
            if (!finished) source.resume();
        });
        lastWriteNanos = System.nanoTime();
        if (pingMs > 0) pingTimer = vertx.setTimer(pingMs, id -> keepAlive());
        source.start(this);
    }

    @Override
    public void onEvent(T event) {
        if (finished) return;
        Buffer frame = framing.event(event);
        if (frame == null) return;
        write(frame);
        if (response.writeQueueFull()) source.pause();
    }

    @Override
    public void onEnd() {
        if (finished) return;
        ending = true;
        // the client may go meanwhile (finish then does nothing more); the grace's end waits for it
        framing.beforeEnd().onComplete(ignored -> finish(framing.end(), null));
    }

    @Override
    public void onError(UpstreamException error) {
        finish(framing.error(error), error);
    }

    private void write(Buffer frame) {
        lastWriteNanos = System.nanoTime();
        response.write(frame);
    }

    /**
     * A keep-alive {@code pingMs} after the last write, whatever came before: the timer wakes at
     * that moment, and when a frame went out meanwhile it sleeps again until {@code pingMs} after
     * that frame. (A fixed-rate timer let up to twice {@code pingMs} of silence pass when the last
     * frame fell just after a tick.)
     */
    private void keepAlive() {
        pingTimer = -1;
        if (finished) return;
        long silentMs = (System.nanoTime() - lastWriteNanos) / 1_000_000;
        if (silentMs >= pingMs - 1) {
            write(ping);
            silentMs = 0;
        }
        pingTimer = vertx.setTimer(Math.max(1, pingMs - silentMs), id -> keepAlive());
    }

    private void finish(Buffer last, UpstreamException error) {
        if (finished) return;
        finished = true;
        stopPing();
        // settle first: ending the response runs the request's end handlers, which release what is left unsettled
        onFinish.accept(error);
        if (last != null && !response.ended() && !response.closed()) response.end(last);
        else if (!response.ended() && !response.closed()) response.end();
    }

    /** The instance's shutdown grace is over: the upstream is let go and the client gets an error event. */
    private void shutDown() {
        if (finished || ending) return;
        source.cancel();
        onError(SHUTTING_DOWN);
    }

    private void clientGone() {
        if (finished) return;
        finished = true;
        stopPing();
        source.cancel();
        onFinish.accept(null);
    }

    private void stopPing() {
        if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
        pingTimer = -1;
    }

    /** A framing built from functions, for formats whose frames need no state of their own. */
    public static <T> Framing<T> framing(Function<T, Buffer> event, Buffer end, Function<UpstreamException, Buffer> error) {
        return new Framing<>() {
            public Buffer event(T e) {
                return event.apply(e);
            }

            public Buffer end() {
                return end;
            }

            public Buffer error(UpstreamException e) {
                return error.apply(e);
            }
        };
    }

}
