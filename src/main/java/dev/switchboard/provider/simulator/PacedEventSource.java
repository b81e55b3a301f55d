package dev.switchboard.provider.simulator;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Plays a list of events on an event loop, paced and faulted as the directives say: a wait
 * before the first, a wait between each, a cut (an error, like a connection reset) or a stall
 * (silence) after N. Used by the in-process simulator; the standalone server plays the same list
 * onto a socket. Pause, resume and cancel are honoured between events.
 */
public final class PacedEventSource<T> implements EventSource<T> {

    private final Vertx vertx;
    private final List<T> events;
    private final SimDirectives directives;
    private EventSink<T> sink;
    private int next;
    private boolean paused;
    private boolean scheduled;
    private boolean done;
    private long timer = -1;
    private final CallDeadlines deadlines;

    /** @param deadlines the call's deadlines (the in-process provider), or null (the standalone server) */
    public PacedEventSource(Vertx vertx, List<T> events, SimDirectives directives, CallDeadlines deadlines) {
        this.vertx = vertx;
        this.events = events;
        this.directives = directives;
        this.deadlines = deadlines;
    }

    @Override
    public void start(EventSink<T> sink) {
        this.sink = sink;
        if (deadlines != null) {
            deadlines.onExpire(which -> {
                if (done) return;
                cancel();
                sink.onError(UpstreamErrors.timeout(which, "simulated call passed its " + which + " deadline"));
            });
        }
        schedule(directives.latencyMs());
    }

    private void schedule(long delayMs) {
        if (done || paused || scheduled) return;
        if (delayMs <= 0) {
            pump();
        } else {
            scheduled = true;
            timer = vertx.setTimer(delayMs, id -> {
                scheduled = false;
                pump();
            });
        }
    }

    /** Emits events until paused, done, or a pacing wait is needed. */
    private void pump() {
        while (!done && !paused) {
            if (directives.cutAfter() > 0 && next >= directives.cutAfter()) {
                done = true;
                if (deadlines != null) deadlines.settle();
                sink.onError(new UpstreamException(FailureClass.TRANSIENT,
                        GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The provider's stream was cut off."), 0, "simulated stream cut"));
                return;
            }
            if (directives.stallAfter() > 0 && next >= directives.stallAfter()) return;
            if (next == events.size()) {
                done = true;
                if (deadlines != null) deadlines.settle();
                sink.onEnd();
                return;
            }
            if (deadlines != null) deadlines.event();
            sink.onEvent(events.get(next++));
            if (directives.tokenMs() > 0 && next < events.size()) {
                schedule(directives.tokenMs());
                return;
            }
        }
    }

    @Override
    public void pause() {
        paused = true;
        if (deadlines != null) deadlines.paused();
    }

    @Override
    public void resume() {
        if (!paused) return;
        paused = false;
        if (deadlines != null) deadlines.resumed();
        schedule(0);
    }

    @Override
    public void cancel() {
        done = true;
        if (deadlines != null) deadlines.settle();
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    /** Runs {@code action} after {@code ms} on the caller's event loop, or at once when {@code ms <= 0}. */
    static void delayed(Vertx vertx, long ms, Runnable action) {
        if (ms <= 0) action.run();
        else vertx.setTimer(ms, id -> action.run());
    }
}
