package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites an OpenAI-format (or Anthropic-format) JSON reply for the client in one scan of its bytes: the top-level
 * {@code model} value becomes the name the client asked for, the top-level {@code usage} object is
 * parsed (it alone), and every other byte is passed through as the provider wrote it. Nothing else
 * is decoded or re-encoded — this is the hot path of native passthrough.
 *
 * <p>The scan checks the reply's top-level structure (an object of members, nothing after it) and
 * the balance of nested brackets and strings, not the full grammar of values it does not read.
 */
public final class NativeReply {

    /** The rewritten body, the usage it carried (or null) and the provider's model id (or null). */
    public record Rewritten(Buffer body, Usage usage, String upstreamModel) {}

    private static final byte[] MODEL = "model".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "usage".getBytes(StandardCharsets.US_ASCII);

    private NativeReply() {}

    /** @throws IOException when the reply is not a well-formed JSON object */
    public static Rewritten rewrite(byte[] b, String clientModel) throws IOException {
        return rewrite(b, clientModel, OpenAiProvider::usage);
    }

    /**
     * As above, for any format whose reply has a top-level {@code model} and {@code usage}
     * (Anthropic Messages too): {@code usageReader} turns the usage object into canonical usage.
     *
     * @throws IOException when the reply is not a well-formed JSON object
     */
    public static Rewritten rewrite(byte[] b, String clientModel, java.util.function.Function<JsonNode, Usage> usageReader)
            throws IOException {
        int modelStart = -1;
        int modelEnd = -1;
        int usageStart = -1;
        int usageEnd = -1;
        int i = ws(b, 0);
        if (i >= b.length || b[i] != '{') throw new IOException("the reply is not a JSON object");
        int open = i;
        i = ws(b, i + 1);
        if (i < b.length && b[i] == '}') {
            i++;
        } else {
            while (true) {
                if (i >= b.length || b[i] != '"') throw new IOException("expected a member name at " + i);
                int keyStart = i + 1;
                i = endOfString(b, i);
                int keyEnd = i - 1;
                i = ws(b, i);
                if (i >= b.length || b[i] != ':') throw new IOException("expected ':' at " + i);
                i = ws(b, i + 1);
                int valueStart = i;
                i = endOfValue(b, i);
                if (is(b, keyStart, keyEnd, MODEL)) {
                    modelStart = valueStart;
                    modelEnd = i;
                } else if (is(b, keyStart, keyEnd, USAGE) && b[valueStart] == '{') {
                    usageStart = valueStart;
                    usageEnd = i;
                }
                i = ws(b, i);
                if (i < b.length && b[i] == ',') {
                    i = ws(b, i + 1);
                } else if (i < b.length && b[i] == '}') {
                    i++;
                    break;
                } else {
                    throw new IOException("expected ',' or '}' at " + i);
                }
            }
        }
        if (ws(b, i) != b.length) throw new IOException("trailing content after the reply object");

        byte[] quoted = quoted(clientModel);
        Buffer out = Buffer.buffer(b.length + quoted.length + 10);
        String upstreamModel = null;
        if (modelStart >= 0) {
            if (b[modelStart] == '"') upstreamModel = stringValue(b, modelStart, modelEnd);
            out.appendBytes(b, 0, modelStart).appendBytes(quoted).appendBytes(b, modelEnd, b.length - modelEnd);
        } else {
            int first = ws(b, open + 1);
            out.appendBytes(b, 0, open + 1).appendString("\"model\":").appendBytes(quoted);
            if (b[first] != '}') out.appendString(",");
            out.appendBytes(b, open + 1, b.length - open - 1);
        }
        Usage usage = null;
        if (usageStart >= 0) {
            JsonNode u = Json.MAPPER.readTree(b, usageStart, usageEnd - usageStart);
            usage = usageReader.apply(u);
        }
        return new Rewritten(out, usage, upstreamModel);
    }

    /** A JSON string's value; the common case without escapes needs no parser. */
    private static String stringValue(byte[] b, int start, int end) throws IOException {
        for (int k = start + 1; k < end - 1; k++) {
            if (b[k] == '\\') return Json.parse(java.util.Arrays.copyOfRange(b, start, end)).asText();
        }
        return new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8);
    }

    private static byte[] quoted(String s) {
        byte[] body = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] out = new byte[body.length + 2];
        out[0] = '"';
        System.arraycopy(body, 0, out, 1, body.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static boolean is(byte[] b, int from, int to, byte[] name) {
        if (to - from != name.length) return false;
        for (int k = 0; k < name.length; k++) if (b[from + k] != name[k]) return false;
        return true;
    }

    private static int ws(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        return i;
    }

    /** From an opening quote, the index just past the closing one. */
    private static int endOfString(byte[] b, int i) throws IOException {
        for (i = i + 1; i < b.length; i++) {
            if (b[i] == '\\') i++;
            else if (b[i] == '"') return i + 1;
        }
        throw new IOException("unterminated string");
    }

    /** From the first byte of a value, the index just past it. */
    private static int endOfValue(byte[] b, int i) throws IOException {
        if (i >= b.length) throw new IOException("the reply ended before a value");
        byte c = b[i];
        if (c == '"') return endOfString(b, i);
        if (c == '{' || c == '[') {
            int depth = 0;
            for (; i < b.length; i++) {
                byte x = b[i];
                if (x == '"') {
                    i = endOfString(b, i) - 1;
                } else if (x == '{' || x == '[') {
                    depth++;
                } else if (x == '}' || x == ']') {
                    if (--depth == 0) return i + 1;
                }
            }
            throw new IOException("the reply ended inside a value");
        }
        int start = i;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t') i++;
        if (i == start) throw new IOException("empty value at " + start);
        return i;
    }
}
