package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.anthropic.AnthropicMessagesEncoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone simulator's Anthropic Messages side: what it reads of a request and how it
 * writes answers and errors. It reads leniently, only what the {@link SimulatorEngine} needs:
 * {@code system} (each text block one system message), the messages (a user turn's
 * {@code tool_result} blocks become one tool message each, so a merged turn counts as the
 * separate tool messages it stands for), {@code tools}, {@code tool_choice}
 * ({@code any} → required, {@code disable_parallel_tool_use} → no parallel calls),
 * {@code max_tokens}, {@code output_config.format} (a JSON schema answer) and {@code stream}.
 * Ids follow Anthropic's shapes: {@code msg_…} for messages, {@code toolu_…} for tool calls.
 */
final class SimAnthropicCodec {

    private SimAnthropicCodec() {}

    /** @throws IllegalArgumentException with Anthropic-style wording when the body is not a Messages request */
    static ChatRequest decode(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("body: Input should be an object");
        String model = Json.str(root, "model");
        if (model == null) throw new IllegalArgumentException("model: Field required");
        if (!root.path("max_tokens").isIntegralNumber()) throw new IllegalArgumentException("max_tokens: Field required");
        JsonNode msgs = root.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) throw new IllegalArgumentException("messages: at least one message is required");
        List<Message> messages = new ArrayList<>();
        JsonNode system = root.get("system");
        if (system != null && system.isTextual()) messages.add(Message.text(Role.SYSTEM, system.textValue()));
        if (system != null && system.isArray()) {
            for (JsonNode b : system) messages.add(Message.text(Role.SYSTEM, b.path("text").asText("")));
        }
        for (JsonNode m : msgs) {
            Role role = "assistant".equals(Json.str(m, "role")) ? Role.ASSISTANT : Role.USER;
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                messages.add(Message.text(role, content.textValue()));
                continue;
            }
            List<ContentPart> parts = new ArrayList<>();
            for (JsonNode b : content == null ? Json.NODES.arrayNode() : content) {
                if ("tool_result".equals(Json.str(b, "type"))) {
                    messages.add(new Message(Role.TOOL, List.of(new ContentPart.ToolResult(Json.str(b, "tool_use_id"),
                            resultContent(b.get("content")), b.path("is_error").asBoolean())), null));
                } else {
                    ContentPart p = part(b);
                    if (p != null) parts.add(p);
                }
            }
            if (!parts.isEmpty()) messages.add(new Message(role, parts, null));
        }
        if (messages.isEmpty()) throw new IllegalArgumentException("messages: at least one message is required");
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : root.path("tools")) {
            tools.add(new Tool(Json.str(t, "name"), Json.str(t, "description"), t.get("input_schema"),
                    t.has("strict") ? t.get("strict").asBoolean() : null));
        }
        JsonNode choice = root.get("tool_choice");
        ToolChoice toolChoice = null;
        Boolean parallel = null;
        if (choice != null && choice.isObject()) {
            toolChoice = switch (String.valueOf(Json.str(choice, "type"))) {
                case "any" -> ToolChoice.REQUIRED;
                case "tool" -> new ToolChoice.Named(Json.str(choice, "name"));
                case "none" -> ToolChoice.NONE;
                default -> ToolChoice.AUTO;
            };
            if (choice.path("disable_parallel_tool_use").asBoolean()) parallel = false;
        }
        JsonNode format = root.path("output_config").path("format");
        ResponseFormat responseFormat = "json_schema".equals(Json.str(format, "type"))
                ? new ResponseFormat.JsonSchema("output", format.get("schema"), true) : null;
        List<String> stop = new ArrayList<>();
        for (JsonNode s : root.path("stop_sequences")) stop.add(s.asText());
        GenerationParams params = new GenerationParams(
                root.has("temperature") ? root.get("temperature").asDouble() : null,
                root.has("top_p") ? root.get("top_p").asDouble() : null,
                root.get("max_tokens").asInt(), stop, null, null, null, null, null);
        return new ChatRequest(model, messages, tools, toolChoice, parallel, params, responseFormat,
                root.path("stream").asBoolean(), true, Json.str(root.path("metadata"), "user_id"));
    }

    private static List<ContentPart> resultContent(JsonNode content) {
        if (content == null || content.isNull()) return List.of();
        if (content.isTextual()) return List.of(new ContentPart.Text(content.textValue()));
        List<ContentPart> out = new ArrayList<>();
        for (JsonNode b : content) {
            ContentPart p = part(b);
            if (p != null) out.add(p);
        }
        return out;
    }

    private static ContentPart part(JsonNode b) {
        JsonNode source = b.path("source");
        return switch (String.valueOf(Json.str(b, "type"))) {
            case "text" -> new ContentPart.Text(b.path("text").asText(""));
            case "image" -> new ContentPart.Image(Json.str(source, "url"), Json.str(source, "media_type"), Json.str(source, "data"), null);
            case "document" -> new ContentPart.File(null, null, Json.str(source, "media_type"), Json.str(source, "data"));
            case "tool_use" -> new ContentPart.ToolCall(Json.str(b, "id"), Json.str(b, "name"),
                    Json.text(b.has("input") ? b.get("input") : Json.object()));
            case "thinking" -> new ContentPart.Reasoning(b.path("thinking").asText(""), Json.str(b, "signature"), false);
            case "redacted_thinking" -> new ContentPart.Reasoning(null, Json.str(b, "data"), true);
            default -> null;
        };
    }

    static String messageId(String engineId) {
        return engineId.startsWith("chatcmpl-") ? "msg_" + engineId.substring("chatcmpl-".length()) : engineId;
    }

    static String toolId(String engineId) {
        return engineId.startsWith("call_") ? "toolu_" + engineId.substring("call_".length()) : engineId;
    }

    /** Anthropic's usage object for the engine's usage (the simulator has no prompt cache). */
    static ObjectNode usage(long input, long output) {
        ObjectNode u = Json.object();
        u.put("input_tokens", input);
        u.put("cache_creation_input_tokens", 0);
        u.put("cache_read_input_tokens", 0);
        u.put("output_tokens", output);
        return u;
    }

    /** The complete answer as an Anthropic message (the first choice: Anthropic has no {@code n}). */
    static ObjectNode response(ChatResponse r, String model) {
        ChatResponse.Choice choice = r.choices().getFirst();
        ObjectNode out = Json.object();
        out.put("id", messageId(r.id()));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        ArrayNode content = out.putArray("content");
        for (ContentPart p : choice.message().content()) {
            switch (p) {
                case ContentPart.Text t -> content.addObject().put("type", "text").put("text", t.text());
                case ContentPart.ToolCall c -> {
                    ObjectNode b = content.addObject().put("type", "tool_use").put("id", toolId(c.id())).put("name", c.name());
                    try {
                        b.set("input", Json.parse(c.arguments()));
                    } catch (IOException e) {
                        throw new IllegalStateException("the engine made tool arguments that are not JSON", e);
                    }
                }
                default -> { }
            }
        }
        AnthropicMessagesEncoder.stop(out, choice.finishReason(), choice.stopSequence());
        Usage u = r.usage();
        out.set("usage", usage(u.inputTokens(), u.outputTokens()));
        return out;
    }

    /** Anthropic's error type for an HTTP status. */
    static String errorType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** {@code {"type":"error","error":{"type","message"},"request_id"}}, as Anthropic answers a failure. */
    static ObjectNode error(int status, String message, String requestId) {
        ObjectNode out = Json.object().put("type", "error");
        out.putObject("error").put("type", errorType(status)).put("message", message);
        out.put("request_id", requestId);
        return out;
    }
}
