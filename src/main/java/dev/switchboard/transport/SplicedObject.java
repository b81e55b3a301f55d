package dev.switchboard.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A client's JSON object that remembers where its large top-level members lie in the bytes it
 * was read from, so that a body forwarded with a few members changed (the model, the stream
 * options) is written by copying the rest as the client sent it instead of serializing it again.
 * For a 53 KB conversation, serializing the tree cost three times parsing it.
 *
 * <p>A member is copied only while its value still equals what was read: each is compared with a
 * copy taken when it was read (containers are copied, strings shared, so the comparison walks
 * the nodes, not the text). A member replaced, changed in place (a key's system prompt inserted
 * into {@code messages}) or added is written from the tree as any other node.
 */
public final class SplicedObject extends ObjectNode {

    /** Bodies and members shorter than this are written from the tree: copying them saves nothing. */
    static final int MIN_SPAN = 512;

    /** A member's value: bytes {@code [start, end)} of the source, and the tree it was read as. */
    private record Span(int start, int end, JsonNode read) {}

    /** Reads one member's value where the parser stands (the object goes on after it: no trailing-token check). */
    private static final ObjectReader MEMBER = Json.MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final byte[] source;
    private final Map<String, Span> spans;

    private SplicedObject(byte[] source, Map<String, Span> spans) {
        super(Json.NODES);
        this.source = source;
        this.spans = spans;
    }

    /**
     * Reads {@code bytes} as {@link Json#parse} does, in one pass that notes where each member
     * lies: an object with a member of at least {@link #MIN_SPAN} bytes comes back spliced.
     */
    static JsonNode read(byte[] bytes) throws IOException {
        if (bytes.length < MIN_SPAN) return Json.parse(bytes);
        ObjectNode plain = Json.object();
        Map<String, Span> spans = new HashMap<>();
        try (JsonParser p = Json.MAPPER.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return Json.parse(bytes);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                JsonNode value = MEMBER.readTree(p);
                int end = (int) p.currentLocation().getByteOffset();
                // a name given twice is read as its last value, as the whole-tree parse does; written from the tree, once
                if (plain.replace(name, value) != null) {
                    spans.remove(name);
                } else if ((token.isStructStart() || token == JsonToken.VALUE_STRING) && end - start >= MIN_SPAN && delimited(bytes, start, end)) {
                    spans.put(name, new Span(start, end, value.isContainerNode() ? value.deepCopy() : value));
                }
            }
            if (p.nextToken() != null) throw new IOException("trailing content after the JSON object");
        }
        if (spans.isEmpty()) return plain;
        SplicedObject out = new SplicedObject(bytes, Map.copyOf(spans));
        out.setAll(plain);
        return out;
    }

    /** Whether {@code [start, end)} begins and ends as one JSON string, array or object does. */
    private static boolean delimited(byte[] bytes, int start, int end) {
        if (start < 0 || end > bytes.length || end - start < 2) return false;
        byte first = bytes[start];
        byte last = bytes[end - 1];
        return first == '"' && last == '"' || first == '[' && last == ']' || first == '{' && last == '}';
    }

    /** A shallow copy (as {@code objectNode().setAll(this)}) that still copies unchanged members. */
    public SplicedObject shallowCopy() {
        SplicedObject copy = new SplicedObject(source, spans);
        copy.setAll(this);
        return copy;
    }

    /** How many members would be copied from the source if the object were written now (for tests). */
    int splicedMembers() {
        int n = 0;
        for (Map.Entry<String, JsonNode> member : _children.entrySet()) {
            Span span = spans.get(member.getKey());
            if (span != null && span.read().equals(member.getValue())) n++;
        }
        return n;
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject(this);
        for (Map.Entry<String, JsonNode> member : _children.entrySet()) {
            g.writeFieldName(member.getKey());
            Span span = spans.get(member.getKey());
            if (span != null && span.read().equals(member.getValue())) {
                g.writeRawValue(new Raw(source, span.start(), span.end() - span.start()));
            } else {
                member.getValue().serialize(g, provider);
            }
        }
        g.writeEndObject();
    }

    // equals and hashCode are ObjectNode's: a spliced object equals the plain one with its members

    /** JSON text already encoded as UTF-8, written as it is. */
    private static final class Raw implements SerializableString {
        private final byte[] bytes;
        private final int offset;
        private final int length;
        private String text;

        Raw(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public String getValue() {
            if (text == null) text = new String(bytes, offset, length, StandardCharsets.UTF_8);
            return text;
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int at) {
            if (at + length > buffer.length) return -1;
            System.arraycopy(bytes, offset, buffer, at, length);
            return length;
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(bytes, offset, length);
            return length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < length) return -1;
            buffer.put(bytes, offset, length);
            return length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int at) {
            String s = getValue();
            if (at + s.length() > buffer.length) return -1;
            s.getChars(0, s.length(), buffer, at);
            return s.length();
        }

        // the quoted forms (the text escaped as a JSON string's content) are never asked of a raw value

        @Override
        public char[] asQuotedChars() {
            return quoted().asQuotedChars();
        }

        @Override
        public byte[] asQuotedUTF8() {
            return quoted().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int at) {
            return quoted().appendQuotedUTF8(buffer, at);
        }

        @Override
        public int appendQuoted(char[] buffer, int at) {
            return quoted().appendQuoted(buffer, at);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return quoted().writeQuotedUTF8(out);
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return quoted().putQuotedUTF8(buffer);
        }

        private SerializedString quoted() {
            return new SerializedString(getValue());
        }
    }
}
