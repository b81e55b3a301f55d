package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;

/**
 * A stream of Anthropic event objects seen as canonical events through an
 * {@link AnthropicStreamDecoder}. Pacing and cancellation go straight to the upstream source.
 */
final class CanonicalEventSource implements EventSource<StreamEvent> {

    private final EventSource<ObjectNode> upstream;
    private final AnthropicStreamDecoder decoder;

    CanonicalEventSource(EventSource<ObjectNode> upstream, AnthropicStreamDecoder decoder) {
        this.upstream = upstream;
        this.decoder = decoder;
    }

    @Override
    public void start(EventSink<StreamEvent> sink) {
        upstream.start(new EventSink<>() {
            @Override
            public void onEvent(ObjectNode event) {
                decoder.decode(event, sink::onEvent);
            }

            @Override
            public void onEnd() {
                sink.onEnd();
            }

            @Override
            public void onError(UpstreamException error) {
                sink.onError(error);
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
