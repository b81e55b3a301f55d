package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Responses API items ↔ canonical messages. Items are flat where chat messages nest: a
 * {@code function_call} is an item of its own, so consecutive assistant items (an assistant
 * {@code message}, {@code reasoning}, {@code function_call}) become one assistant message, and
 * each {@code function_call_output} becomes a tool message whose result answers {@code call_id}.
 */
final class ResponsesItems {

    private ResponsesItems() {}

    /** A new item id with the given prefix ({@code msg}, {@code fc}, {@code rs}, {@code resp}). */
    static String id(String prefix) {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        HexFormat hex = HexFormat.of();
        return prefix + "_" + hex.toHexDigits(a.getMostSignificantBits()) + hex.toHexDigits(a.getLeastSignificantBits())
                + hex.toHexDigits(b.getMostSignificantBits());
    }

    /** The id prefix of an input item of {@code type}, as OpenAI's own ids go. */
    private static String idPrefix(String type) {
        return switch (type) {
            case "message" -> "msg";
            case "function_call" -> "fc";
            case "function_call_output" -> "fco";
            case "reasoning" -> "rs";
            default -> "item";
        };
    }

    /**
     * The request's {@code input} as items: a string is one user message; a message item without
     * a type gets {@code "type":"message"}, string content becomes one {@code input_text} part
     * (assistant: {@code output_text}), and every item without an id gets one ({@code msg_},
     * {@code fc_}, {@code fco_}, …) and messages and tool items a {@code completed} status, as
     * OpenAI lists input items back — their ids are the cursors of the list's pages.
     */
    static ArrayNode normalise(JsonNode input) {
        ArrayNode out = Json.NODES.arrayNode();
        if (input == null || input.isNull()) throw GatewayError.invalid("input", "Missing required parameter: 'input'.");
        if (input.isTextual()) {
            out.add(message("user", input.textValue()));
            return out;
        }
        if (!input.isArray()) throw GatewayError.invalid("input", "'input' must be a string or an array of items.");
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String at = "input[" + i + "]";
            if (!item.isObject()) throw GatewayError.invalid(at, "Each input item must be an object.");
            ObjectNode copy = ((ObjectNode) item).deepCopy();
            String type = Json.str(copy, "type");
            if (type == null && copy.has("role")) copy.put("type", type = "message");
            if (type == null) throw GatewayError.invalid(at + ".type", "Missing required parameter: '" + at + ".type'.");
            if (type.equals("message")) {
                JsonNode content = copy.get("content");
                if (content != null && content.isTextual()) {
                    String partType = "assistant".equals(Json.str(copy, "role")) ? "output_text" : "input_text";
                    ObjectNode part = Json.object().put("type", partType).put("text", content.textValue());
                    if (partType.equals("output_text")) part.putArray("annotations");
                    copy.putArray("content").add(part);
                } else if (content != null && content.isArray()) {
                    // an image's detail is part of the item as OpenAI keeps it: auto when not given
                    for (JsonNode part : content) {
                        if (part instanceof ObjectNode o && "input_image".equals(Json.str(o, "type")) && !o.hasNonNull("detail")) o.put("detail", "auto");
                    }
                }
            }
            if (!copy.hasNonNull("id")) {
                ObjectNode ordered = Json.object().put("id", id(idPrefix(type)));
                ordered.setAll(copy);
                copy = ordered;
            }
            if (!copy.has("status") && (type.equals("message") || type.startsWith("function_call"))) copy.put("status", "completed");
            out.add(copy);
        }
        return out;
    }

    private static ObjectNode message(String role, String text) {
        ObjectNode m = Json.object().put("id", id("msg")).put("type", "message").put("status", "completed").put("role", role);
        m.putArray("content").addObject().put("type", "input_text").put("text", text);
        return m;
    }

    /** The canonical messages of {@code items}, in order. */
    static List<Message> messages(ArrayNode items) {
        List<Message> out = new ArrayList<>();
        List<ContentPart> assistant = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "input[" + i + "]";
            String type = Json.str(item, "type");
            switch (type == null ? "" : type) {
                case "message" -> {
                    Role role = role(item, at);
                    List<ContentPart> parts = content(item.get("content"), at + ".content");
                    if (role == Role.ASSISTANT) {
                        assistant.addAll(parts);
                    } else {
                        flush(out, assistant);
                        out.add(new Message(role, parts, null));
                    }
                }
                case "function_call" -> assistant.add(new ContentPart.ToolCall(required(item, "call_id", at),
                        required(item, "name", at), required(item, "arguments", at)));
                case "reasoning" -> {
                    StringBuilder text = new StringBuilder();
                    for (String field : new String[] {"content", "summary"}) {
                        JsonNode parts = item.get(field);
                        if (text.isEmpty() && parts != null && parts.isArray()) {
                            for (JsonNode p : parts) if (p.hasNonNull("text")) text.append(p.get("text").asText());
                        }
                    }
                    assistant.add(new ContentPart.Reasoning(text.toString(), Json.str(item, "encrypted_content"), false));
                }
                case "function_call_output" -> {
                    flush(out, assistant);
                    String callId = required(item, "call_id", at);
                    JsonNode output = item.get("output");
                    List<ContentPart> result;
                    if (output != null && output.isTextual()) result = List.of(new ContentPart.Text(output.textValue()));
                    else if (output != null && output.isArray()) result = content(output, at + ".output");
                    else throw GatewayError.invalid(at + ".output", "'" + at + ".output' must be a string or an array of content parts.");
                    out.add(new Message(Role.TOOL, List.of(new ContentPart.ToolResult(callId, result, false)), null));
                }
                default -> throw GatewayError.invalid(at + ".type", "Unsupported input item type '" + type
                        + "'; this gateway takes message, function_call, function_call_output and reasoning items.");
            }
        }
        flush(out, assistant);
        return out;
    }

    private static void flush(List<Message> out, List<ContentPart> assistant) {
        if (assistant.isEmpty()) return;
        out.add(new Message(Role.ASSISTANT, assistant, null));
        assistant.clear();
    }

    private static Role role(JsonNode item, String at) {
        String role = Json.str(item, "role");
        if (role == null) throw GatewayError.invalid(at + ".role", "Missing required parameter: '" + at + ".role'.");
        return switch (role) {
            case "user" -> Role.USER;
            case "system" -> Role.SYSTEM;
            case "developer" -> Role.DEVELOPER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw GatewayError.invalid(at + ".role", "Invalid role '" + role + "'.");
        };
    }

    private static List<ContentPart> content(JsonNode content, String at) {
        if (content == null || content.isNull()) throw GatewayError.invalid(at, "Missing required parameter: '" + at + "'.");
        if (content.isTextual()) return List.of(new ContentPart.Text(content.textValue()));
        if (!content.isArray()) throw GatewayError.invalid(at, "'" + at + "' must be a string or an array of content parts.");
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) parts.add(part(content.get(i), at + "[" + i + "]"));
        return parts;
    }

    private static ContentPart part(JsonNode p, String at) {
        String type = Json.str(p, "type");
        if (type == null) throw GatewayError.invalid(at + ".type", "Missing required parameter: '" + at + ".type'.");
        return switch (type) {
            case "input_text", "output_text" -> new ContentPart.Text(required(p, "text", at));
            case "refusal" -> new ContentPart.Text(required(p, "refusal", at));
            case "input_image" -> {
                String url = Json.str(p, "image_url");
                String detail = Json.str(p, "detail");
                if (url == null) {
                    String fileId = Json.str(p, "file_id");
                    if (fileId == null) throw GatewayError.invalid(at + ".image_url", "An input_image needs 'image_url' or 'file_id'.");
                    yield new ContentPart.File(fileId, null, null, null);
                }
                DataUrl data = DataUrl.parse(url);
                yield data != null ? new ContentPart.Image(null, data.mediaType, data.data, detail) : new ContentPart.Image(url, null, null, detail);
            }
            case "input_file" -> {
                String raw = Json.str(p, "file_data");
                if (raw == null && Json.str(p, "file_id") == null) {
                    throw GatewayError.invalid(at + ".file_data", "An input_file needs 'file_data' or 'file_id' (this gateway does not fetch a 'file_url').");
                }
                DataUrl data = DataUrl.parse(raw);
                yield new ContentPart.File(Json.str(p, "file_id"), Json.str(p, "filename"), data == null ? null : data.mediaType,
                        data == null ? raw : data.data);
            }
            default -> throw GatewayError.invalid(at + ".type", "Unsupported content part type '" + type + "'.");
        };
    }

    private static String required(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.invalid(at + "." + field, "Missing required parameter: '" + at + "." + field + "'.");
        if (!v.isTextual()) throw GatewayError.invalid(at + "." + field, "'" + at + "." + field + "' must be a string.");
        return v.textValue();
    }

    /** A {@code data:<media type>;base64,<data>} URL taken apart. */
    private record DataUrl(String mediaType, String data) {
        static DataUrl parse(String url) {
            if (url == null || !url.startsWith("data:")) return null;
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semi > 5 && comma > semi && url.regionMatches(semi, ";base64", 0, 7)) {
                return new DataUrl(url.substring(5, semi), url.substring(comma + 1));
            }
            return null;
        }
    }
}
