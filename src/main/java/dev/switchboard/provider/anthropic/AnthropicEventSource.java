package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.UpstreamEventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * An Anthropic SSE response as a pull-paced source of event objects ({@link AnthropicSseEvents}
 * says which and how). A stream that ends without {@code message_stop} fails as a transient
 * error, so a truncation is never silent; an {@code error} event fails it with its own class.
 * Every event, pings included, counts as a sign of life for the idle deadline. Pause and resume
 * act on the upstream socket; a connection failure between the reply and {@link #start} is
 * reported when the stream starts.
 */
final class AnthropicEventSource extends UpstreamEventSource<ObjectNode> {

    private final AnthropicSseEvents events;
    private final SseParser parser;

    /** @param publicModel the client's model name to show in {@code message_start} (native streams), or null */
    AnthropicEventSource(HttpClientResponse response, CallDeadlines deadlines, String publicModel) {
        super(response, deadlines);
        this.events = new AnthropicSseEvents(publicModel, new AnthropicSseEvents.Handler() {
            @Override
            public void event(ObjectNode event) {
                emit(event);
            }

            @Override
            public void failed(UpstreamException error) {
                fail(error);
            }
        });
        this.parser = new SseParser((event, data) -> {
            if (done()) return;
            deadlines.event(); // pings included: a sign of life
            events.onEvent(event, data);
        });
    }

    @Override
    protected void bytes(Buffer chunk) {
        parser.feed(chunk);
    }

    /** Complete only after {@code message_stop}. */
    @Override
    protected boolean completed() {
        parser.end();
        return events.complete();
    }
}
