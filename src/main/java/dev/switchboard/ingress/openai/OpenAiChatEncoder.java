package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.ResponseIds;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.openai.OpenAiMessages;
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
        out.put("id", completionId(r.id()));
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

    /** OpenAI-style id ({@link ResponseIds#prefixed}): every answer has the shape OpenAI clients expect. */
    static String completionId(String id) {
        return ResponseIds.prefixed("chatcmpl-", id);
    }

    /**
     * The assistant message of {@link OpenAiMessages#assistant}, plus what only an answer carries:
     * the reasoning's text as {@code reasoning_content}, and, when the provider signed it, every
     * reasoning part as {@code thinking_blocks} (the field LiteLLM and its clients use), which a
     * client sends back with the message so that the provider can verify its reasoning on the next
     * turn (Anthropic refuses thinking in a tool loop without it).
     */
    static ObjectNode message(Message m) {
        ObjectNode out = OpenAiMessages.assistant(m);
        StringBuilder reasoning = null;
        boolean signed = false;
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Reasoning r) {
                if (r.text() != null && !r.redacted()) (reasoning == null ? reasoning = new StringBuilder() : reasoning).append(r.text());
                signed |= r.signature() != null;
            }
        }
        if (reasoning != null) out.put("reasoning_content", reasoning.toString());
        if (signed) {
            ArrayNode blocks = out.putArray("thinking_blocks");
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Reasoning r) blocks.add(thinkingBlock(r.text(), r.signature(), r.redacted()));
            }
        }
        out.putNull("refusal");
        return out;
    }

    /** One reasoning part as a {@code thinking_blocks} entry: {@code thinking} (text and signature) or {@code redacted_thinking}. */
    static ObjectNode thinkingBlock(String text, String signature, boolean redacted) {
        ObjectNode b = Json.object();
        if (redacted) return b.put("type", "redacted_thinking").put("data", signature);
        b.put("type", "thinking").put("thinking", text == null ? "" : text);
        if (signature != null) b.put("signature", signature);
        return b;
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
