package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.SseParser;
import java.util.function.Consumer;

/**
 * Test access to the package-private {@link AnthropicSseEvents} (the SSE listener of the Anthropic
 * adapter), for the golden fixtures' codec table.
 */
public final class AnthropicSse {

    /** The listener and what it saw; feed {@link #listener()} to an {@link SseParser}. */
    public static final class Reader {
        private final AnthropicSseEvents events;

        Reader(String publicModel, Consumer<ObjectNode> onEvent, Consumer<UpstreamException> onFailure) {
            events = new AnthropicSseEvents(publicModel, new AnthropicSseEvents.Handler() {
                @Override
                public void event(ObjectNode event) {
                    onEvent.accept(event);
                }

                @Override
                public void failed(UpstreamException error) {
                    onFailure.accept(error);
                }
            });
        }

        public SseParser.Listener listener() {
            return events;
        }

        public boolean failed() {
            return events.failed();
        }

        public boolean complete() {
            return events.complete();
        }
    }

    private AnthropicSse() {}

    /** A reader that hands each event on (its {@code message_start} model renamed to {@code publicModel} unless null). */
    public static Reader reader(String publicModel, Consumer<ObjectNode> onEvent, Consumer<UpstreamException> onFailure) {
        return new Reader(publicModel, onEvent, onFailure);
    }
}
