package dev.switchboard.transport;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}), read
 * incrementally from buffers split anywhere. A frame is: total length (4 bytes, big-endian),
 * headers length (4), the CRC32 of those 8 bytes (4), the headers, the payload, and the CRC32 of
 * everything before it (4). A header is its name's length (1 byte), the name, a value type
 * (1 byte) and the value: 0/1 true/false, 2 byte, 3 short, 4 int, 5 long, 6 bytes and 7 string
 * (2-byte length first), 8 timestamp (8), 9 UUID (16). Only string values are kept (the
 * {@code :event-type}, {@code :message-type}, {@code :content-type} and {@code :exception-type}
 * the gateway reads); the others are skipped.
 *
 * <p>Both CRCs are checked; a mismatch, a length out of bounds or an unknown value type is an
 * {@link IOException}: the stream cannot be trusted past it. Only the bytes of an incomplete
 * frame are kept between buffers. Not thread-safe; one per stream.
 */
public final class EventStreamDecoder {

    /** One frame: its string headers and its payload. */
    public record Frame(Map<String, String> headers, byte[] payload) {
        public String header(String name) {
            return headers.get(name);
        }

        public String eventType() {
            return headers.get(":event-type");
        }

        public String messageType() {
            return headers.getOrDefault(":message-type", "event");
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Frames larger than this are refused (AWS caps frames at 16 MiB). */
    static final int MAX_FRAME = 16 * 1024 * 1024 + 128;
    private static final int PRELUDE = 12;
    private static final int MIN_FRAME = PRELUDE + 4;

    private Buffer pending = Buffer.buffer();

    /** Hands each frame completed by {@code chunk} to {@code out}, in order. */
    public void feed(Buffer chunk, Consumer<Frame> out) throws IOException {
        pending = pending.length() == 0 ? chunk.copy() : pending.appendBuffer(chunk);
        int pos = 0;
        while (pending.length() - pos >= PRELUDE) {
            long total = Integer.toUnsignedLong(pending.getInt(pos));
            long headersLen = Integer.toUnsignedLong(pending.getInt(pos + 4));
            if (total < MIN_FRAME || total > MAX_FRAME || headersLen > total - MIN_FRAME) {
                throw new IOException("event-stream frame of impossible length " + total + " (headers " + headersLen + ")");
            }
            if (crc(pending, pos, 8) != Integer.toUnsignedLong(pending.getInt(pos + 8))) {
                throw new IOException("event-stream prelude CRC mismatch");
            }
            if (pending.length() - pos < total) break;
            int end = pos + (int) total;
            if (crc(pending, pos, (int) total - 4) != Integer.toUnsignedLong(pending.getInt(end - 4))) {
                throw new IOException("event-stream message CRC mismatch");
            }
            int headersEnd = pos + PRELUDE + (int) headersLen;
            Map<String, String> headers = headers(pending, pos + PRELUDE, headersEnd);
            out.accept(new Frame(headers, pending.getBytes(headersEnd, end - 4)));
            pos = end;
        }
        pending = pos == pending.length() ? Buffer.buffer() : pos == 0 ? pending : pending.getBuffer(pos, pending.length());
    }

    /** Bytes of an incomplete frame still held (0 when the stream ended on a frame boundary). */
    public int pendingBytes() {
        return pending.length();
    }

    private static Map<String, String> headers(Buffer b, int from, int to) throws IOException {
        Map<String, String> out = new LinkedHashMap<>(4);
        int p = from;
        try {
            while (p < to) {
                int nameLen = b.getUnsignedByte(p++);
                String name = b.getString(p, p + nameLen, "UTF-8");
                p += nameLen;
                int type = b.getUnsignedByte(p++);
                switch (type) {
                    case 0, 1 -> { }
                    case 2 -> p += 1;
                    case 3 -> p += 2;
                    case 4 -> p += 4;
                    case 5, 8 -> p += 8;
                    case 9 -> p += 16;
                    case 6, 7 -> {
                        int len = b.getUnsignedShort(p);
                        p += 2;
                        if (type == 7) out.put(name, b.getString(p, p + len, "UTF-8"));
                        p += len;
                    }
                    default -> throw new IOException("event-stream header '" + name + "' has unknown value type " + type);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("event-stream headers overrun their length");
        }
        if (p != to) throw new IOException("event-stream headers overrun their length");
        return out;
    }

    private static long crc(Buffer b, int from, int len) {
        CRC32 crc = new CRC32();
        crc.update(b.getBytes(from, from + len));
        return crc.getValue();
    }

    /** One frame with string headers, as AWS writes it: for the simulator and tests. */
    public static Buffer encode(Map<String, String> headers, byte[] payload) {
        Buffer h = Buffer.buffer();
        headers.forEach((k, v) -> {
            byte[] name = k.getBytes(StandardCharsets.UTF_8);
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            h.appendByte((byte) name.length).appendBytes(name).appendByte((byte) 7).appendShort((short) value.length).appendBytes(value);
        });
        int total = PRELUDE + h.length() + payload.length + 4;
        Buffer out = Buffer.buffer(total).appendInt(total).appendInt(h.length());
        out.appendUnsignedInt(crc(out, 0, 8));
        out.appendBuffer(h).appendBytes(payload);
        out.appendUnsignedInt(crc(out, 0, out.length()));
        return out;
    }
}
