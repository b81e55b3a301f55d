package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import java.util.function.BiConsumer;

/**
 * The two views of a Gemini SSE stream: native chunks for a client that speaks Gemini (each with
 * {@code modelVersion} set to the client's model name), and canonical events decoded by a
 * {@link GeminiStreamDecoder}. Both pass pause, resume and cancel straight to the SSE reader, so
 * backpressure reaches the upstream socket.
 */
final class GeminiSources {

    private GeminiSources() {}

    static EventSource<ObjectNode> nativeChunks(EventSource<ObjectNode> sse, String clientModel) {
        return new Mapped<>(sse, (chunk, sink) -> {
            if (chunk.has("modelVersion")) chunk.put("modelVersion", clientModel);
            sink.onEvent(chunk);
        }, null);
    }

    static EventSource<StreamEvent> canonical(EventSource<ObjectNode> sse, GeminiStreamDecoder decoder) {
        return new Mapped<>(sse, (chunk, sink) -> decoder.chunk(chunk, sink::onEvent), sink -> decoder.end(sink::onEvent));
    }

    /** A source whose events are the upstream's, each turned into zero or more; {@code atEnd} may add some before the end. */
    private static final class Mapped<A, B> implements EventSource<B> {
        private final EventSource<A> upstream;
        private final BiConsumer<A, EventSink<B>> map;
        private final java.util.function.Consumer<EventSink<B>> atEnd;

        Mapped(EventSource<A> upstream, BiConsumer<A, EventSink<B>> map, java.util.function.Consumer<EventSink<B>> atEnd) {
            this.upstream = upstream;
            this.map = map;
            this.atEnd = atEnd;
        }

        @Override
        public void start(EventSink<B> sink) {
            upstream.start(new EventSink<>() {
                private boolean failed;

                @Override
                public void onEvent(A event) {
                    if (failed) return;
                    try {
                        map.accept(event, sink);
                    } catch (RuntimeException e) {
                        // a chunk the decoder cannot read ends the stream as a provider failure, never silently
                        failed = true;
                        upstream.cancel();
                        sink.onError(dev.switchboard.provider.UpstreamErrors.transport(
                                new java.io.IOException("unreadable chunk in the provider's stream: " + e.getMessage())));
                    }
                }

                @Override
                public void onEnd() {
                    if (failed) return;
                    if (atEnd != null) atEnd.accept(sink);
                    sink.onEnd();
                }

                @Override
                public void onError(UpstreamException error) {
                    if (!failed) sink.onError(error);
                }
            });
        }

        @Override
        public void pause() {
            upstream.pause();
        }

        @Override
        public void resume() {
            upstream.resume();
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }
    }
}
