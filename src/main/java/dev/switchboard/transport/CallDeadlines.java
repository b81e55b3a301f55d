package dev.switchboard.transport;

import dev.switchboard.config.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;

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

    private final Vertx vertx;
    private final Timeouts timeouts;
    private final boolean stream;
    private HttpClientRequest request;
    private long totalTimer = -1;
    private long eventTimer = -1;
    private long lastEventNanos;
    private boolean sawEvent;
    private String expired;

    public CallDeadlines(Vertx vertx, Timeouts timeouts, boolean stream) {
        this.vertx = vertx;
        this.timeouts = timeouts;
        this.stream = stream;
        totalTimer = vertx.setTimer(timeouts.totalMs(), id -> expire("total"));
        if (stream) eventTimer = vertx.setTimer(timeouts.firstTokenMs(), id -> expire("first-token"));
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
            vertx.cancelTimer(eventTimer);
            eventTimer = vertx.setTimer(timeouts.idleMs(), id -> idleCheck());
        }
    }

    private void idleCheck() {
        long silentMs = (System.nanoTime() - lastEventNanos) / 1_000_000;
        if (silentMs >= timeouts.idleMs()) expire("idle");
        else eventTimer = vertx.setTimer(Math.max(1, timeouts.idleMs() - silentMs), id -> idleCheck());
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
        if (totalTimer >= 0) vertx.cancelTimer(totalTimer);
        if (eventTimer >= 0) vertx.cancelTimer(eventTimer);
        totalTimer = -1;
        eventTimer = -1;
    }
}
