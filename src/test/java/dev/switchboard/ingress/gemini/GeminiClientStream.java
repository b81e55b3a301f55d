package dev.switchboard.ingress.gemini;

import dev.switchboard.http.SseResponse;
import dev.switchboard.model.StreamEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Test access to the package-private {@link GeminiStreams}, for the golden fixtures' codec table. */
public final class GeminiClientStream {

    private GeminiClientStream() {}

    /** Canonical events framed for a Gemini client with {@code alt=sse}, thoughts shown: the bytes as sent. */
    public static byte[] sse(List<StreamEvent> events, String clientModel) {
        SseResponse.Framing<StreamEvent> framing = GeminiStreams.canonicalFraming(clientModel, true, true, u -> { });
        Buffer out = Buffer.buffer();
        for (StreamEvent e : events) {
            Buffer frame = framing.event(e);
            if (frame != null) out.appendBuffer(frame);
        }
        Buffer end = framing.end();
        if (end != null) out.appendBuffer(end);
        return out.getBytes();
    }
}
