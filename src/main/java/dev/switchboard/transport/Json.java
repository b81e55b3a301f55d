package dev.switchboard.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** The one JSON mapper of the gateway, and the few tree helpers every codec uses. */
public final class Json {

    /**
     * Jackson's own bounds on what it reads: strings unbounded (a body is bounded by
     * {@code MAX_BODY_BYTES}, and a base64 image of 15 MB is one string of 20 M characters,
     * Jackson's default limit), nesting {@value #MAX_NESTING} deep (its default; every tree walk
     * here recurses).
     */
    public static final int MAX_NESTING = 1000;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE).maxNestingDepth(MAX_NESTING).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // numbers pass through as written: 0.10 stays 0.10 (an exponent is kept as an exponent)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Parses bytes; throws {@link IOException} on malformed JSON or invalid UTF-8. */
    public static JsonNode parse(byte[] bytes) throws IOException {
        JsonNode node = MAPPER.readTree(bytes);
        if (node == null) throw new IOException("empty body");
        return node;
    }

    /**
     * A client's body: as {@link #parse}, and an object with large members comes back as a
     * {@link SplicedObject}, which writes the members still as they were read by copying their
     * bytes.
     */
    public static JsonNode parseBody(byte[] bytes) throws IOException {
        return SplicedObject.read(bytes);
    }

    /** A shallow copy of {@code object}: its members in a new object, which splices as {@code object} does. */
    public static ObjectNode shallowCopy(ObjectNode object) {
        if (object instanceof SplicedObject spliced) return spliced.shallowCopy();
        ObjectNode copy = object.objectNode();
        copy.setAll(object);
        return copy;
    }

    public static JsonNode parse(String text) throws IOException {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Serialises straight into a Vert.x buffer: one copy, out of Jackson's own write buffer. */
    public static Buffer buffer(JsonNode node) {
        Buffer out = Buffer.buffer(512);
        try {
            MAPPER.writeValue(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    out.appendByte((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    out.appendBytes(b, off, len);
                }
            }, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
        return out;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /**
     * As {@link #bytes}, with U+2028, U+2029 and U+0085 written as JSON escapes: JSON lets
     * them stand raw, but a reader that splits a stream into lines by Unicode's rules (Python's
     * {@code str.splitlines}, which the Gemini SDK's {@code httpx} line reader uses) cuts an event
     * in two at them.
     */
    public static byte[] lineSafeBytes(JsonNode node) {
        byte[] plain = bytes(node);
        if (!hasUnicodeLineBreak(plain)) return plain; // nearly always: Jackson's fast path, and a scan
        try {
            return LINE_SAFE.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** Whether UTF-8 {@code b} holds U+0085 (C2 85), U+2028 (E2 80 A8) or U+2029 (E2 80 A9). */
    static boolean hasUnicodeLineBreak(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == (byte) 0xC2 && b[i + 1] == (byte) 0x85) return true;
            if (b[i] == (byte) 0xE2 && b[i + 1] == (byte) 0x80 && i + 2 < b.length && (b[i + 2] == (byte) 0xA8 || b[i + 2] == (byte) 0xA9)) return true;
        }
        return false;
    }

    private static final ObjectWriter LINE_SAFE = MAPPER.writer().with(new LineSafeEscapes());

    private static final class LineSafeEscapes extends CharacterEscapes {
        private static final int[] ASCII = standardAsciiEscapesForJSON();
        private static final SerializableString NEL = escape(0x85);
        private static final SerializableString LS = escape(0x2028);
        private static final SerializableString PS = escape(0x2029);

        private static SerializableString escape(int ch) {
            return new SerializedString("\\u" + String.format("%04x", ch));
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case 0x85 -> NEL;
                case 0x2028 -> LS;
                case 0x2029 -> PS;
                default -> null;
            };
        }
    }

    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** The text at {@code field}, or null when absent or not a string. */
    public static String str(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
