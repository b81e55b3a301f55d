package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ContentPart;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Gemini {@code Part}s ↔ canonical content parts, both ways, for requests and answers alike.
 *
 * <ul>
 *   <li>{@code text} ↔ Text; {@code inlineData} ↔ Image ({@code image/*}), Audio ({@code audio/*}, format from
 *       the subtype: {@code audio/mpeg} is mp3) or File (anything else), base64 kept as is;
 *       {@code fileData} ↔ Image with a URL ({@code image/*}) or File with the URI as its file id.</li>
 *   <li>{@code functionCall} ↔ ToolCall ({@code args} as JSON text); {@code functionResponse} ↔
 *       ToolResult (the {@code response} object as JSON text; a response holding only an
 *       {@code error} key is an error result). Gemini has no call ids: {@link CallIds} supplies
 *       them, and ToolResult → functionResponse needs the function's name from the caller.</li>
 *   <li>A {@code thought: true} part ↔ Reasoning(text, thoughtSignature). A {@code thoughtSignature}
 *       on any other part ↔ a Reasoning with no text placed just before that part: the signature
 *       goes back onto the part it came with, so a function call keeps its own signature.</li>
 *   <li>Parts the canonical model has no place for ({@code executableCode},
 *       {@code codeExecutionResult}, {@code videoMetadata} alone, …) are left out; a client
 *       speaking Gemini to a Gemini provider keeps them, since its body passes natively.</li>
 * </ul>
 */
public final class GeminiParts {

    /** Ids for Gemini's id-less calls: one per function call, and the id a function response answers. */
    public interface CallIds {
        /** @param given the part's own {@code id} (newer Gemini APIs send one), or null */
        String call(String name, String given);

        String result(String name, String given);
    }

    private GeminiParts() {}

    /** The parts of one {@code Content}; {@code at} names it in error messages ({@code contents[2].parts}). */
    public static List<ContentPart> decode(JsonNode parts, String at, CallIds ids) {
        List<JsonNode> items = GeminiWire.items(parts);
        List<ContentPart> out = new ArrayList<>(items.size() + 1);
        for (int i = 0; i < items.size(); i++) {
            JsonNode p = items.get(i);
            String here = at + "[" + i + "]";
            if (!p.isObject()) throw GatewayError.invalid(here, "Each part must be an object.");
            String signature = GeminiWire.text(p, "thoughtSignature");
            JsonNode thought = GeminiWire.field(p, "thought");
            JsonNode text = GeminiWire.field(p, "text");
            if (text != null && !text.isTextual()) throw GatewayError.invalid(here + ".text", "'" + here + ".text' must be a string.");
            if (thought != null && thought.asBoolean(false)) {
                out.add(new ContentPart.Reasoning(text == null ? "" : text.textValue(), signature, false));
                continue;
            }
            ContentPart part = part(p, here, ids);
            if (signature != null) out.add(new ContentPart.Reasoning(null, signature, false));
            if (part != null) out.add(part);
        }
        return out;
    }

    private static ContentPart part(JsonNode p, String at, CallIds ids) {
        String text = GeminiWire.text(p, "text");
        if (text != null) return new ContentPart.Text(text);
        JsonNode inline = GeminiWire.field(p, "inlineData");
        if (inline != null) {
            String mime = required(inline, "mimeType", at + ".inlineData.mimeType");
            String data = required(inline, "data", at + ".inlineData.data");
            String m = mime.toLowerCase(Locale.ROOT);
            if (m.startsWith("image/")) return new ContentPart.Image(null, mime, data, null);
            if (m.startsWith("audio/")) return new ContentPart.Audio(data, audioFormat(m));
            return new ContentPart.File(null, null, mime, data);
        }
        JsonNode file = GeminiWire.field(p, "fileData");
        if (file != null) {
            String uri = required(file, "fileUri", at + ".fileData.fileUri");
            String mime = GeminiWire.text(file, "mimeType");
            if (mime != null && mime.toLowerCase(Locale.ROOT).startsWith("image/")) return new ContentPart.Image(uri, mime, null, null);
            return new ContentPart.File(uri, null, mime, null);
        }
        JsonNode call = GeminiWire.field(p, "functionCall");
        if (call != null) {
            String name = required(call, "name", at + ".functionCall.name");
            JsonNode args = GeminiWire.field(call, "args");
            if (args != null && !args.isObject()) throw GatewayError.invalid(at + ".functionCall.args", "'args' must be an object.");
            return new ContentPart.ToolCall(ids.call(name, GeminiWire.text(call, "id")), name, args == null ? "{}" : Json.text(args));
        }
        JsonNode response = GeminiWire.field(p, "functionResponse");
        if (response != null) {
            String name = required(response, "name", at + ".functionResponse.name");
            JsonNode body = GeminiWire.field(response, "response");
            boolean isError = body != null && body.isObject() && body.size() == 1 && body.has("error");
            String content = body == null ? "{}" : Json.text(body);
            return new ContentPart.ToolResult(ids.result(name, GeminiWire.text(response, "id")), List.of(new ContentPart.Text(content)), isError);
        }
        return null;
    }

    private static String required(JsonNode node, String field, String param) {
        JsonNode v = GeminiWire.field(node, field);
        if (v == null) throw GatewayError.invalid(param, "Missing required parameter: '" + param + "'.");
        if (!v.isTextual()) throw GatewayError.invalid(param, "'" + param + "' must be a string.");
        return v.textValue();
    }

    static String audioFormat(String mime) {
        String sub = mime.substring(mime.indexOf('/') + 1);
        return switch (sub) {
            case "mpeg", "mp3", "mpeg3", "x-mp3" -> "mp3";
            case "wav", "x-wav", "wave" -> "wav";
            default -> sub;
        };
    }

    static String audioMime(String format) {
        if (format == null) return "audio/wav";
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "mp3" -> "audio/mp3";
            case "wav" -> "audio/wav";
            default -> "audio/" + format.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Canonical parts as Gemini parts. {@code resultName} names the function a ToolResult answers
     * (Gemini wants the name, not an id). Redacted reasoning (another provider's opaque blob) is
     * left out; a text-less Reasoning's signature goes onto the next part, or onto an empty text
     * part when nothing follows. Call ids are not sent: Gemini pairs calls and responses by name
     * and order. Tool-call arguments that are not a JSON object are refused (400): the provider
     * would refuse them.
     */
    public static ArrayNode encode(List<ContentPart> content, Function<ContentPart.ToolResult, String> resultName) {
        return encode(content, resultName, false);
    }

    /**
     * As {@link #encode}, for an answer to a Gemini client: tool-call arguments that are not a
     * JSON object (another provider's model cut off mid-call, or answering a string) become
     * {@code {}}, as on the other formats' answers, instead of failing an answer already paid for.
     */
    public static ArrayNode encodeAnswer(List<ContentPart> content, Function<ContentPart.ToolResult, String> resultName) {
        return encode(content, resultName, true);
    }

    private static ArrayNode encode(List<ContentPart> content, Function<ContentPart.ToolResult, String> resultName, boolean answer) {
        ArrayNode out = Json.NODES.arrayNode();
        String signature = null;
        for (ContentPart part : content) {
            ObjectNode p;
            switch (part) {
                case ContentPart.Reasoning r when r.redacted() -> {
                    continue;
                }
                // a signature without thought text (Anthropic's client echoes Gemini's as an empty thinking
                // block) belongs on the part that follows, a function call's above all: Gemini 3 checks it there
                case ContentPart.Reasoning r when r.text() == null || r.text().isEmpty() -> {
                    if (r.signature() != null && !r.signature().isEmpty()) signature = r.signature();
                    continue;
                }
                case ContentPart.Reasoning r -> {
                    p = out.addObject().put("text", r.text()).put("thought", true);
                    // an unsigned thought (an Anthropic client's thinking block with signature "") goes without one
                    if (r.signature() != null && !r.signature().isEmpty()) p.put("thoughtSignature", r.signature());
                    continue;
                }
                case ContentPart.Text t -> p = Json.object().put("text", t.text());
                case ContentPart.Image img -> p = image(img);
                case ContentPart.Audio a -> p = inline(audioMime(a.format()), a.data());
                case ContentPart.File f -> p = f.data() != null
                        ? inline(f.mediaType() == null ? "application/octet-stream" : f.mediaType(), f.data())
                        : fileData(f.mediaType(), f.fileId());
                case ContentPart.ToolCall c -> {
                    p = Json.object();
                    p.putObject("functionCall").put("name", c.name()).set("args", args(c.arguments(), answer));
                }
                case ContentPart.ToolResult r -> {
                    p = Json.object();
                    p.putObject("functionResponse").put("name", resultName.apply(r)).set("response", response(r));
                }
            }
            if (signature != null) {
                p.put("thoughtSignature", signature);
                signature = null;
            }
            out.add(p);
        }
        if (signature != null) out.addObject().put("text", "").put("thoughtSignature", signature);
        return out;
    }

    private static ObjectNode image(ContentPart.Image img) {
        if (img.data() != null) return inline(img.mediaType() == null ? "image/png" : img.mediaType(), img.data());
        String url = img.url();
        if (url != null && url.startsWith("data:")) {
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semi > 5 && comma > semi) return inline(url.substring(5, semi), url.substring(comma + 1));
        }
        return fileData(img.mediaType(), url);
    }

    private static ObjectNode inline(String mime, String data) {
        ObjectNode p = Json.object();
        p.putObject("inlineData").put("mimeType", mime).put("data", data);
        return p;
    }

    private static ObjectNode fileData(String mime, String uri) {
        ObjectNode p = Json.object();
        ObjectNode f = p.putObject("fileData");
        if (mime != null) f.put("mimeType", mime);
        f.put("fileUri", uri);
        return p;
    }

    /** Tool-call arguments as Gemini's {@code args} object; empty text is no arguments. */
    private static JsonNode args(String arguments, boolean answer) {
        if (arguments == null || arguments.isBlank()) return Json.object();
        try {
            JsonNode args = Json.parse(arguments);
            if (args.isObject()) return args;
        } catch (IOException ignored) {
            // below
        }
        if (answer) return Json.object();
        throw GatewayError.invalid("tool_calls", "Tool call arguments must be a JSON object to reach this provider.");
    }

    /**
     * A tool result as Gemini's {@code response} object: a JSON object result as itself; other
     * results under {@code output}, or under {@code error} for an error result — the two keys
     * Gemini's reference names for a function's output and its failure.
     */
    private static JsonNode response(ContentPart.ToolResult r) {
        StringBuilder text = new StringBuilder();
        for (ContentPart c : r.content()) if (c instanceof ContentPart.Text t) text.append(t.text());
        String s = text.toString();
        JsonNode parsed = null;
        try {
            if (!s.isBlank()) parsed = Json.parse(s);
        } catch (IOException ignored) {
            // plain text
        }
        if (r.isError()) {
            if (parsed != null && parsed.isObject() && parsed.size() == 1 && parsed.has("error")) return parsed;
            return Json.object().set("error", parsed != null ? parsed : Json.NODES.textNode(s));
        }
        if (parsed != null && parsed.isObject()) return parsed;
        return Json.object().set("output", parsed != null ? parsed : Json.NODES.textNode(s));
    }
}
