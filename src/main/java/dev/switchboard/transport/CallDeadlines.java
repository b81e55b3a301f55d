package dev.switchboard.transport;

import dev.switchboard.config.Timeouts;
import io.vertx.core.Vertx;
import io.netty.channel.EventLoop;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one upstream call: the whole call ({@code totalMs}), and for streams the first
 * event ({@code firstTokenMs}) and the longest silence between events ({@code idleMs}). When one
 * expires the request is reset, which fails whatever is reading it; {@link #expired()} then names
 * the deadline, so the reader can report a timeout rather than a broken connection.
 *
 * <p>The idle check costs one timer per idle period, not per event: each firing compares the time
 * since the last event with the limit and re-arms for the remainder. Not thread-safe: used on the
 * request's event loop only.
 */
public final class CallDeadlines {

    private final EventLoop loop;
    private final Timeouts timeouts;
    private final boolean stream;
    private HttpClientRequest request;
    private ScheduledFuture<?> totalTimer;
    private ScheduledFuture<?> eventTimer;
    private long lastEventNanos;
    private boolean sawEvent;
    private String expired;

    /** Must be created on the event loop that will run the call (the request's). */
    public CallDeadlines(Vertx vertx, Timeouts timeouts, boolean stream) {
        this.loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        this.timeouts = timeouts;
        this.stream = stream;
        totalTimer = schedule(timeouts.totalMs(), () -> expire("total"));
        if (stream) eventTimer = schedule(timeouts.firstTokenMs(), () -> expire("first-token"));
    }

    /** Netty's own scheduler: a queue insertion on this event loop, no cross-thread bookkeeping. */
    private ScheduledFuture<?> schedule(long ms, Runnable task) {
        return loop.schedule(task, ms, TimeUnit.MILLISECONDS);
    }

    /** The request to reset when a deadline passes. */
    public void attach(HttpClientRequest request) {
        this.request = request;
        if (expired != null) request.reset(0, new java.util.concurrent.TimeoutException(expired));
    }

    /** A stream event arrived. */
    public void event() {
        lastEventNanos = System.nanoTime();
        if (!sawEvent) {
            sawEvent = true;
            if (eventTimer != null) eventTimer.cancel(false);
            eventTimer = schedule(timeouts.idleMs(), this::idleCheck);
        }
    }

    private void idleCheck() {
        long silentMs = (System.nanoTime() - lastEventNanos) / 1_000_000;
        if (silentMs >= timeouts.idleMs()) expire("idle");
        else eventTimer = schedule(Math.max(1, timeouts.idleMs() - silentMs), this::idleCheck);
    }

    private void expire(String which) {
        if (expired != null) return;
        expired = which;
        cancel();
        if (request != null) request.reset(0, new java.util.concurrent.TimeoutException(which));
    }

    /** The deadline that expired ({@code total}, {@code first-token}, {@code idle}), or null. */
    public String expired() {
        return expired;
    }

    public boolean streaming() {
        return stream;
    }

    public void cancel() {
        if (totalTimer != null) totalTimer.cancel(false);
        if (eventTimer != null) eventTimer.cancel(false);
        totalTimer = null;
        eventTimer = null;
    }
}
