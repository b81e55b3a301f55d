package dev.switchboard.transport;

import dev.switchboard.config.Timeouts;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The deadlines of one upstream call: the whole call ({@code totalMs}), and for streams the first
 * event ({@code firstTokenMs}) and the longest silence between events ({@code idleMs}). When one
 * expires the call's expiry action runs (for HTTP: the request is reset, which fails whatever is
 * reading it); {@link #expired()} then names the deadline, so the reader reports a timeout rather
 * than a broken connection.
 *
 * <p>Silence while the consumer has paused the stream (the client is not reading) is not the
 * provider's: {@link #paused()} suspends the idle deadline until {@link #resumed()}.
 *
 * <p>The idle check costs one timer per idle period, not per event: each firing compares the time
 * since the last event with the limit and re-arms for the remainder. Once {@link #settle()} has run
 * (the call is over, one way or another), nothing fires and {@link #settled()} is true. Not
 * thread-safe: used on the request's event loop only.
 */
public final class CallDeadlines {

    private final EventLoop loop;
    private final Timeouts timeouts;
    private Consumer<String> onExpire;
    private ScheduledFuture<?> totalTimer;
    private ScheduledFuture<?> eventTimer;
    private long lastEventNanos;
    private boolean sawEvent;
    private boolean paused;
    private boolean settled;
    private String expired;

    /** Must be created on the event loop that will run the call (the request's). */
    public CallDeadlines(Vertx vertx, Timeouts timeouts, boolean stream) {
        this.loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
        this.timeouts = timeouts;
        totalTimer = schedule(timeouts.totalMs(), () -> expire("total"));
        if (stream) eventTimer = schedule(timeouts.firstTokenMs(), () -> expire("first-token"));
    }

    /** Netty's own scheduler: a queue insertion on this event loop, no cross-thread bookkeeping. */
    private ScheduledFuture<?> schedule(long ms, Runnable task) {
        return loop.schedule(task, ms, TimeUnit.MILLISECONDS);
    }

    /** What to do when a deadline passes; it receives the deadline's name. Runs at once if one already has. */
    public void onExpire(Consumer<String> action) {
        this.onExpire = action;
        if (expired != null) action.accept(expired);
    }

    /** The HTTP request to reset when a deadline passes. */
    public void attach(HttpClientRequest request) {
        onExpire(which -> request.reset(0, new TimeoutException(which)));
    }

    /** A stream event arrived. */
    public void event() {
        lastEventNanos = System.nanoTime();
        if (!sawEvent && !settled) {
            sawEvent = true;
            cancel(eventTimer);
            eventTimer = paused ? null : schedule(timeouts.idleMs(), this::idleCheck);
        }
    }

    /** The consumer paused the stream: its silence from now on is not the provider's. */
    public void paused() {
        if (paused) return;
        paused = true;
        if (sawEvent) {
            cancel(eventTimer);
            eventTimer = null;
        }
    }

    public void resumed() {
        if (!paused) return;
        paused = false;
        if (sawEvent && !settled) {
            lastEventNanos = System.nanoTime();
            eventTimer = schedule(timeouts.idleMs(), this::idleCheck);
        }
    }

    private void idleCheck() {
        if (settled || paused) return;
        long silentMs = (System.nanoTime() - lastEventNanos) / 1_000_000;
        if (silentMs >= timeouts.idleMs()) expire("idle");
        else eventTimer = schedule(Math.max(1, timeouts.idleMs() - silentMs), this::idleCheck);
    }

    private void expire(String which) {
        if (expired != null || settled) return;
        expired = which;
        settle();
        if (onExpire != null) onExpire.accept(which);
    }

    /** The deadline that expired ({@code total}, {@code first-token}, {@code idle}), or null. */
    public String expired() {
        return expired;
    }

    /** The call is over: no deadline fires any more. Idempotent. */
    public void settle() {
        settled = true;
        cancel(totalTimer);
        cancel(eventTimer);
        totalTimer = null;
        eventTimer = null;
    }

    public boolean settled() {
        return settled;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) f.cancel(false);
    }
}
