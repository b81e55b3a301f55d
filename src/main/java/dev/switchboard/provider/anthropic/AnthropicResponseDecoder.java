package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an Anthropic Messages response ({@code "type": "message"}) to a canonical
 * {@link ChatResponse} of one choice. Blocks become parts in order: {@code text} → text,
 * {@code tool_use} → a tool call whose arguments are the compact JSON text of {@code input},
 * {@code thinking} → reasoning with its signature, {@code redacted_thinking} → redacted reasoning
 * whose {@code data} travels as the signature. Blocks of Anthropic's server tools (web search and
 * the like) have no canonical form and are left out. A call of the JSON answer tool
 * ({@link AnthropicRequestEncoder#answersThroughTool}) is the answer: its input becomes the text,
 * and a turn that stopped only for it stops.
 */
public final class AnthropicResponseDecoder {

    private AnthropicResponseDecoder() {}

    /**
     * @param created  the creation time to report (Anthropic gives none), epoch seconds
     * @param jsonTool the name of the JSON answer tool when the request asked through it, else null
     */
    public static ChatResponse decode(JsonNode body, long created, String jsonTool) throws IOException {
        if (body == null || !body.isObject() || !body.path("content").isArray()) {
            throw new IOException("the reply is not an Anthropic message");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode block : body.get("content")) {
            ContentPart part = part(block, jsonTool);
            if (part != null) parts.add(part);
        }
        Usage usage = AnthropicUsage.of(body.get("usage"));
        Message message = new Message(Role.ASSISTANT, parts, null);
        FinishReason finish = finishReason(Json.str(body, "stop_reason"), !message.toolCalls().isEmpty());
        return new ChatResponse(Json.str(body, "id"), Json.str(body, "model"), created,
                List.of(new ChatResponse.Choice(0, message, finish)), usage == null ? Usage.ZERO : usage);
    }

    static ContentPart part(JsonNode block, String jsonTool) {
        String type = Json.str(block, "type");
        if (type == null) return null;
        return switch (type) {
            case "text" -> new ContentPart.Text(block.path("text").asText(""));
            case "tool_use" -> JsonAnswerTool.answers(jsonTool, Json.str(block, "name")) ? new ContentPart.Text(Json.text(input(block)))
                    : new ContentPart.ToolCall(Json.str(block, "id"), Json.str(block, "name"), Json.text(input(block)));
            case "thinking" -> new ContentPart.Reasoning(block.path("thinking").asText(""), Json.str(block, "signature"), false);
            case "redacted_thinking" -> new ContentPart.Reasoning(null, Json.str(block, "data"), true);
            default -> null;
        };
    }

    private static JsonNode input(JsonNode toolUse) {
        JsonNode input = toolUse.get("input");
        return input != null && !input.isNull() ? input : Json.object();
    }

    /**
     * Anthropic's stop reasons: {@code end_turn}, {@code stop_sequence} and {@code pause_turn} (a
     * server tool paused a long turn) stop; {@code max_tokens} and
     * {@code model_context_window_exceeded} are length; {@code tool_use} is tool calls, or stop
     * when no tool call was left ({@code calledTools} false: the only call was the JSON answer);
     * {@code refusal} is a content filter. None or an unknown one counts as stop.
     */
    public static FinishReason finishReason(String stopReason, boolean calledTools) {
        if (stopReason == null) return FinishReason.STOP;
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }
}
