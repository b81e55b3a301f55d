package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.transport.EventStreamDecoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AWS event-stream framing: frames split anywhere, both CRCs checked, non-string headers skipped. */
class EventStreamDecoderTest {

    private static Buffer frame(String type, String json) {
        return EventStreamDecoder.encode(Map.of(":event-type", type, ":message-type", "event", ":content-type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void frames_splitAtEveryByte_decodeTheSame() throws IOException {
        Buffer all = frame("messageStart", "{\"role\":\"assistant\"}")
                .appendBuffer(frame("contentBlockDelta", "{\"delta\":{\"text\":\"Hé\"},\"contentBlockIndex\":0}"))
                .appendBuffer(frame("messageStop", "{\"stopReason\":\"end_turn\"}"));
        for (int split = 1; split < 40; split++) {
            EventStreamDecoder d = new EventStreamDecoder();
            List<EventStreamDecoder.Frame> out = new ArrayList<>();
            for (int i = 0; i < all.length(); i += split) d.feed(all.getBuffer(i, Math.min(all.length(), i + split)), out::add);
            assertThat(out).extracting(EventStreamDecoder.Frame::eventType).containsExactly("messageStart", "contentBlockDelta", "messageStop");
            assertThat(out.get(1).payloadText()).isEqualTo("{\"delta\":{\"text\":\"Hé\"},\"contentBlockIndex\":0}");
            assertThat(out.get(1).messageType()).isEqualTo("event");
            assertThat(d.pendingBytes()).isZero();
        }
    }

    @Test
    void corruptPayload_failsTheMessageCrc() {
        Buffer f = frame("messageStop", "{\"stopReason\":\"end_turn\"}");
        f.setByte(f.length() - 6, (byte) 'X');
        assertThatThrownBy(() -> new EventStreamDecoder().feed(f, x -> { })).isInstanceOf(IOException.class).hasMessageContaining("message CRC");
    }

    @Test
    void corruptLength_failsThePreludeCrc() {
        Buffer f = frame("messageStop", "{}");
        f.setInt(4, f.getInt(4) + 1);
        assertThatThrownBy(() -> new EventStreamDecoder().feed(f, x -> { })).isInstanceOf(IOException.class).hasMessageContaining("prelude CRC");
    }

    @Test
    void nonStringHeaders_areSkipped() throws IOException {
        // one int header (type 4) and one string header, assembled by hand
        Buffer headers = Buffer.buffer().appendByte((byte) 3).appendString("num").appendByte((byte) 4).appendInt(7)
                .appendByte((byte) 11).appendString(":event-type").appendByte((byte) 7).appendShort((short) 8).appendString("metadata");
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        int total = 12 + headers.length() + payload.length + 4;
        Buffer f = Buffer.buffer().appendInt(total).appendInt(headers.length());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(f.getBytes());
        f.appendUnsignedInt(crc.getValue()).appendBuffer(headers).appendBytes(payload);
        crc.reset();
        crc.update(f.getBytes());
        f.appendUnsignedInt(crc.getValue());
        List<EventStreamDecoder.Frame> out = new ArrayList<>();
        new EventStreamDecoder().feed(f, out::add);
        assertThat(out).singleElement().satisfies(fr -> assertThat(fr.headers()).containsOnlyKeys(":event-type"));
    }
}
