package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a Cohere v2 Chat response to a canonical {@link ChatResponse} of one choice:
 * {@code message.tool_plan} → reasoning (the model's plan before its tool calls), then the
 * {@code message.content} parts in order ({@code text} → text, {@code thinking} → reasoning),
 * then {@code message.tool_calls} → tool calls with their arguments as sent. Citations have no
 * canonical form and are left out. Cohere's reply names no model: the upstream model is reported.
 */
public final class CohereResponseDecoder {

    private CohereResponseDecoder() {}

    public static ChatResponse decode(JsonNode body, String upstreamModel, long created) throws IOException {
        if (body == null || !body.isObject() || !body.path("message").isObject()) {
            throw new IOException("the reply is not a Cohere chat response");
        }
        JsonNode message = body.get("message");
        List<ContentPart> parts = new ArrayList<>();
        String plan = Json.str(message, "tool_plan");
        if (plan != null && !plan.isEmpty()) parts.add(new ContentPart.Reasoning(plan, null, false));
        for (JsonNode c : message.path("content")) {
            switch (String.valueOf(Json.str(c, "type"))) {
                case "text" -> parts.add(new ContentPart.Text(c.path("text").asText("")));
                case "thinking" -> parts.add(new ContentPart.Reasoning(c.path("thinking").asText(""), null, false));
                default -> { }
            }
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode f = call.path("function");
            String args = Json.str(f, "arguments");
            parts.add(new ContentPart.ToolCall(Json.str(call, "id"), Json.str(f, "name"), args == null || args.isEmpty() ? "{}" : args));
        }
        Usage usage = usage(body.get("usage"));
        return new ChatResponse(Json.str(body, "id"), upstreamModel, created,
                List.of(new ChatResponse.Choice(0, new Message(Role.ASSISTANT, parts, null), finishReason(Json.str(body, "finish_reason")))),
                usage == null ? Usage.ZERO : usage);
    }

    /**
     * Cohere's finish reasons: {@code COMPLETE} and {@code STOP_SEQUENCE} stop; {@code MAX_TOKENS}
     * and {@code ERROR_LIMIT} (the context filled up) are length; {@code TOOL_CALL} is tool calls;
     * {@code ERROR_TOXIC} is a content filter; {@code ERROR} and {@code TIMEOUT} are errors. None
     * or an unknown one counts as stop.
     */
    public static FinishReason finishReason(String reason) {
        if (reason == null) return FinishReason.STOP;
        return switch (reason) {
            case "MAX_TOKENS", "ERROR_LIMIT" -> FinishReason.LENGTH;
            case "TOOL_CALL" -> FinishReason.TOOL_CALLS;
            case "ERROR_TOXIC" -> FinishReason.CONTENT_FILTER;
            case "ERROR", "TIMEOUT" -> FinishReason.ERROR;
            default -> FinishReason.STOP;
        };
    }

    /**
     * The usage of a reply or a {@code message-end}: {@code tokens} (what the model consumed and
     * produced) when present, else {@code billed_units}; null when neither has a count.
     */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) return null;
        for (String field : new String[] {"tokens", "billed_units"}) {
            JsonNode n = usage.get(field);
            if (n != null && (n.has("input_tokens") || n.has("output_tokens"))) {
                return Usage.of(n.path("input_tokens").asLong(0), n.path("output_tokens").asLong(0));
            }
        }
        return null;
    }
}
