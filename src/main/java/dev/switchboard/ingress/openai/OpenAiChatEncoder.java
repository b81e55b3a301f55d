package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;

/**
 * Encodes canonical answers in the OpenAI Chat Completions wire format: the complete
 * {@code chat.completion} object and the {@code usage} object. Streams use {@link OpenAiChunkEncoder}.
 */
public final class OpenAiChatEncoder {

    private OpenAiChatEncoder() {}

    /** The response as the client sees it, with {@code model} the name the client asked for. */
    public static ObjectNode response(ChatResponse r, String model) {
        ObjectNode out = Json.object();
        out.put("id", r.id());
        out.put("object", "chat.completion");
        out.put("created", r.created());
        out.put("model", model);
        ArrayNode choices = out.putArray("choices");
        for (ChatResponse.Choice c : r.choices()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.index());
            choice.set("message", message(c.message()));
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason(c.finishReason()));
        }
        if (r.usage() != null) out.set("usage", usage(r.usage()));
        return out;
    }

    static ObjectNode message(Message m) {
        ObjectNode out = Json.object();
        out.put("role", "assistant");
        StringBuilder text = null;
        StringBuilder reasoning = null;
        ArrayNode calls = null;
        for (ContentPart p : m.content()) {
            switch (p) {
                case ContentPart.Text t -> (text == null ? text = new StringBuilder() : text).append(t.text());
                case ContentPart.Reasoning r when r.text() != null -> (reasoning == null ? reasoning = new StringBuilder() : reasoning).append(r.text());
                case ContentPart.ToolCall call -> {
                    if (calls == null) calls = Json.NODES.arrayNode();
                    ObjectNode c = calls.addObject();
                    c.put("id", call.id());
                    c.put("type", "function");
                    ObjectNode fn = c.putObject("function");
                    fn.put("name", call.name());
                    fn.put("arguments", call.arguments());
                }
                default -> { }
            }
        }
        if (text == null) out.putNull("content");
        else out.put("content", text.toString());
        if (reasoning != null) out.put("reasoning_content", reasoning.toString());
        if (calls != null) out.set("tool_calls", calls);
        out.putNull("refusal");
        return out;
    }

    public static ObjectNode usage(Usage u) {
        ObjectNode out = Json.object();
        out.put("prompt_tokens", u.inputTokens());
        out.put("completion_tokens", u.outputTokens());
        out.put("total_tokens", u.totalTokens());
        out.putObject("prompt_tokens_details").put("cached_tokens", u.cachedInputTokens());
        out.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        return out;
    }

    public static String finishReason(FinishReason r) {
        if (r == null) return null;
        return switch (r) {
            case STOP, ERROR -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
        };
    }
}
