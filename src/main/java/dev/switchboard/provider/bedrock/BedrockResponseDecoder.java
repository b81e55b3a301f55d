package dev.switchboard.provider.bedrock;

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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a Converse answer ({@code output.message}, {@code stopReason}, {@code usage}) into a
 * canonical response, and holds the mappings the stream decoder shares. Converse has no answer
 * id: the caller passes one (the {@code x-amzn-requestid}, else a made-up one).
 *
 * <p>Usage: Converse reports {@code inputTokens} apart from {@code cacheReadInputTokens} and
 * {@code cacheWriteInputTokens} (its {@code totalTokens} is the sum of all four, as with
 * Anthropic's own API), while canonical input tokens include both cache counts; so canonical
 * input = {@code inputTokens + cacheRead + cacheWrite}. Stop reasons: {@code end_turn} and
 * {@code stop_sequence} → stop, {@code tool_use} → tool calls, {@code max_tokens} and
 * {@code model_context_window_exceeded} → length, {@code guardrail_intervened} and
 * {@code content_filtered} → content filter. A call of the {@link JsonAnswerTool} (when the
 * request asked through it) is the answer: its input becomes the text, and a turn that stopped
 * only for it stops.
 */
public final class BedrockResponseDecoder {

    private BedrockResponseDecoder() {}

    /** @param jsonTool the name of the JSON answer tool when the request asked through it, else null */
    public static ChatResponse decode(JsonNode reply, String id, String model, Clock clock, String jsonTool) throws IOException {
        JsonNode message = path(reply, "output", "message");
        if (message == null || !message.has("content")) throw new IOException("no output.message.content in the Converse answer");
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode block : message.get("content")) {
            if (block.hasNonNull("text")) {
                parts.add(new ContentPart.Text(block.get("text").asText()));
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                JsonNode input = use.get("input");
                String arguments = input == null || input.isNull() ? "{}" : Json.MAPPER.writeValueAsString(input);
                parts.add(JsonAnswerTool.answers(jsonTool, Json.str(use, "name")) ? new ContentPart.Text(arguments)
                        : new ContentPart.ToolCall(Json.str(use, "toolUseId"), Json.str(use, "name"), arguments));
            } else if (block.has("reasoningContent")) {
                ContentPart.Reasoning r = reasoning(block.get("reasoningContent"));
                if (r != null) parts.add(r);
            }
        }
        boolean calls = parts.stream().anyMatch(ContentPart.ToolCall.class::isInstance);
        FinishReason finish = finishReason(Json.str(reply, "stopReason"), calls);
        return new ChatResponse(id, model, clock.instant().getEpochSecond(),
                List.of(new ChatResponse.Choice(0, new Message(Role.ASSISTANT, parts, null), finish)), usage(reply.get("usage")));
    }

    static ContentPart.Reasoning reasoning(JsonNode rc) {
        JsonNode text = rc.get("reasoningText");
        if (text != null) return new ContentPart.Reasoning(Json.str(text, "text"), Json.str(text, "signature"), false);
        if (rc.has("redactedContent")) return new ContentPart.Reasoning(rc.get("redactedContent").asText(), null, true);
        return null;
    }

    static FinishReason finishReason(String stopReason, boolean calledTools) {
        if (stopReason == null) return calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        return switch (stopReason) {
            case "tool_use" -> calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP; // only the JSON answer: stop
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        };
    }

    /** Converse usage in canonical terms (see the class comment); null when absent. */
    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        long cacheRead = u.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = u.path("cacheWriteInputTokens").asLong(0);
        return new Usage(u.path("inputTokens").asLong(0) + cacheRead + cacheWrite, u.path("outputTokens").asLong(0),
                cacheRead, cacheWrite, 0, false);
    }

    private static JsonNode path(JsonNode n, String... names) {
        for (String name : names) {
            if (n == null) return null;
            n = n.get(name);
        }
        return n;
    }
}
