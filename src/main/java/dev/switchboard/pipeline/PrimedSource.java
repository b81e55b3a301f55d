package dev.switchboard.pipeline;

import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.DeploymentHealth;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A stream whose first output has already arrived. The commit point is the first byte sent to the
 * client, so an attempt is held until its stream yields output (text, reasoning or tool-call
 * arguments; the events before it, such as OpenAI's role-only first chunk or Anthropic's
 * {@code message_start}, are held back with it): a stream that fails before then can still be
 * retried elsewhere. A stream that ends with no output at all (a bare finish, a function call
 * Gemini sends whole) is primed at its end, or once {@value #HELD_AT_MOST} events are held. Held
 * events, and those that arrive between priming and {@link #start} (several may come out of one
 * socket read), are delivered first, in order.
 *
 * <p>Once primed, the stream owns its attempt's lease: the end of the stream or the client going
 * away releases it, and a failure after the commit point counts against the deployment.
 */
final class PrimedSource<T> implements EventSource<T>, EventSource.EventSink<T> {

    private final EventSource<T> upstream;
    private final DeploymentHealth.Lease lease;
    private final Promise<EventSource<T>> primed = Promise.promise();
    private final ArrayDeque<T> queued = new ArrayDeque<>(4);
    private EventSink<T> sink;
    private boolean ended;
    private boolean paused;
    private boolean cancelled;
    /** The provider's answer was taken as failed here ({@link FinishReason#ERROR}); what it sends after is not heard. */
    private boolean abandoned;
    private UpstreamException failed;

    /** Events held before output at most: a stream of that many is under way, output or not. */
    static final int HELD_AT_MOST = 16;

    private final java.util.function.Consumer<Object> seen;
    private final java.util.function.BooleanSupplier output;
    private final java.util.function.Supplier<Future<T>> closing;

    private PrimedSource(EventSource<T> upstream, DeploymentHealth.Lease lease, java.util.function.Consumer<Object> seen,
                         java.util.function.BooleanSupplier output, java.util.function.Supplier<Future<T>> closing) {
        this.upstream = upstream;
        this.lease = lease;
        this.seen = seen;
        this.output = output;
        this.closing = closing;
    }

    /**
     * Completes with a source whose first output is in hand, or fails if the stream fails before
     * one (or ends with no event at all). A client that goes away cancels the stream, primed or not.
     *
     * @param seen    counts each event as it arrives
     * @param output  whether the events counted so far carried output
     * @param closing gives the event to deliver when the stream ends (the usage report a provider
     *                left out), to come when it is made, or null when there is none to add; itself
     *                null for no such event
     */
    static <T> Future<EventSource<T>> prime(EventSource<T> upstream, DeploymentHealth.Lease lease, Cancellation cancellation,
                                            java.util.function.Consumer<Object> seen, java.util.function.BooleanSupplier output,
                                            java.util.function.Supplier<Future<T>> closing) {
        PrimedSource<T> p = new PrimedSource<>(upstream, lease, seen, output, closing);
        cancellation.onCancel(p::cancel);
        upstream.start(p);
        return p.primed.future();
    }

    @Override
    public void onEvent(T event) {
        if (abandoned) return;
        if (event instanceof StreamEvent.Finish f && f.reason() == FinishReason.ERROR) {
            // the provider ended the answer in failure: a failed attempt (retried while nothing is
            // out, an error event after), never a stream that looks finished
            abandoned = true;
            upstream.cancel();
            failWith(UpstreamErrors.failedGeneration());
            return;
        }
        seen.accept(event); // counted as it arrives: the usage estimate of a stream cut before its usage report
        if (sink != null) {
            sink.onEvent(event);
            return;
        }
        queued.add(event);
        if (!primed.future().isComplete() && (output.getAsBoolean() || queued.size() >= HELD_AT_MOST)) {
            upstream.pause();
            primed.complete(this);
        }
    }

    @Override
    public void onEnd() {
        if (cancelled || abandoned) return;
        Future<T> last = closing == null || sink == null && queued.isEmpty() ? null : closing.get();
        if (last == null) {
            ended();
            return;
        }
        // made off the event loop when it takes long (a long prompt counted); the end waits for it
        last.onComplete(ar -> {
            if (cancelled || abandoned) return;
            if (ar.succeeded() && ar.result() != null) onEvent(ar.result());
            ended();
        });
    }

    private void ended() {
        if (!primed.future().isComplete()) {
            if (queued.isEmpty()) {
                primed.fail(UpstreamErrors.transport(new IOException("the provider's stream was empty")));
                return;
            }
            primed.complete(this); // a whole answer without output: delivered as it is
        }
        lease.release();
        if (sink != null) sink.onEnd();
        else ended = true;
    }

    @Override
    public void onError(UpstreamException error) {
        if (cancelled || abandoned) return; // the reset our own cancel caused: not the provider's failure
        failWith(error);
    }

    private void failWith(UpstreamException error) {
        if (!primed.future().isComplete()) {
            primed.fail(error);
            return;
        }
        lease.failed(error.failureClass(), -1);
        if (sink != null) sink.onError(error);
        else failed = error;
    }

    @Override
    public void start(EventSink<T> sink) {
        while (!queued.isEmpty()) sink.onEvent(queued.poll());
        this.sink = sink;
        if (failed != null) sink.onError(failed);
        else if (ended) sink.onEnd();
        else if (!paused) upstream.resume();
    }

    @Override
    public void pause() {
        paused = true;
        upstream.pause();
    }

    @Override
    public void resume() {
        paused = false;
        if (sink != null) upstream.resume();
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        // before priming, the attempt loop sees this failure, finds the request cancelled and releases the lease
        if (primed.future().isComplete()) lease.release();
        else primed.fail(UpstreamErrors.transport(new IOException("the client went away")));
        upstream.cancel();
    }
}
