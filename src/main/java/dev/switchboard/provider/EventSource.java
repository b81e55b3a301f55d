package dev.switchboard.provider;

/**
 * A stream of events from an upstream, pull-paced: the consumer pauses it when the client socket
 * is full and resumes it on drain, which pauses the upstream socket in turn. Events are delivered
 * on the event loop of the request.
 */
public interface EventSource<T> {

    /** Starts delivery; called once. */
    void start(EventSink<T> sink);

    void pause();

    void resume();

    /** Stops delivery and releases the upstream (for an HTTP upstream: resets the request). Idempotent. */
    void cancel();

    /** Receives what an {@link EventSource} delivers; exactly one of {@code onEnd} and {@code onError} ends it. */
    interface EventSink<T> {
        void onEvent(T event);

        void onEnd();

        void onError(UpstreamException error);
    }
}
