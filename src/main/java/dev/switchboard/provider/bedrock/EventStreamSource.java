package dev.switchboard.provider.bedrock;

import dev.switchboard.transport.EventStreamDecoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamEventSource;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;

/**
 * An upstream AWS event stream read as frames, incrementally ({@link EventStreamDecoder}): each
 * frame is handed on as soon as its last byte arrives. An {@code exception} (or {@code error})
 * frame fails the stream with the error its {@code :exception-type} names
 * ({@link BedrockErrors#exception}); a corrupt frame, or an end before {@code messageStop} (or
 * in the middle of a frame), fails it as a transient transport error, so a truncation is never
 * silent. Pause and resume act on the upstream socket; a connection failure before
 * {@link #start} is kept for it.
 */
final class EventStreamSource extends UpstreamEventSource<EventStreamDecoder.Frame> {

    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private boolean sawStop;

    EventStreamSource(HttpClientResponse response, CallDeadlines deadlines) {
        super(response, deadlines);
    }

    @Override
    protected void bytes(Buffer chunk) {
        if (done()) return;
        try {
            decoder.feed(chunk, this::onFrame);
        } catch (IOException e) {
            fail(UpstreamErrors.transport(new IOException("corrupt event stream from the provider: " + e.getMessage())));
        }
    }

    /** Complete after {@code messageStop}, and not in the middle of a frame. */
    @Override
    protected boolean completed() {
        return sawStop && decoder.pendingBytes() == 0;
    }

    private void onFrame(EventStreamDecoder.Frame frame) {
        if (done()) return;
        deadlines.event();
        String type = frame.messageType();
        if (!"event".equals(type)) {
            JsonNode body = null;
            try {
                body = Json.parse(frame.payload());
            } catch (IOException ignored) {
                // classified by its exception type alone
            }
            String name = frame.header(":exception-type");
            if (name == null) name = frame.header(":error-code");
            fail(BedrockErrors.exception(name, body, "exception frame in the provider's stream: " + name + " " + frame.payloadText()));
            return;
        }
        if ("messageStop".equals(frame.eventType())) sawStop = true;
        emit(frame);
    }
}
