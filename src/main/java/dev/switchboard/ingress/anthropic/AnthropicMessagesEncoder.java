package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.ResponseIds;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;

/**
 * Encodes canonical answers in the Anthropic Messages wire format: the {@code message} object,
 * its {@code usage} and its {@code stop_reason}. Streams use {@link AnthropicStreamEncoder}.
 *
 * <p>Usage: canonical input tokens include cache reads and writes (as OpenAI counts); Anthropic's
 * {@code input_tokens} excludes both, which it reports apart as {@code cache_read_input_tokens}
 * and {@code cache_creation_input_tokens}.
 *
 * <p>Stop reasons: stop → {@code end_turn}, length → {@code max_tokens}, tool calls →
 * {@code tool_use}, content filter → {@code refusal}, error → {@code end_turn}; a stop whose
 * provider said which stop sequence ended it (Anthropic's own, the simulator) →
 * {@code stop_sequence} with that sequence. OpenAI and Gemini do not say, so their stops are
 * {@code end_turn} with {@code stop_sequence} null.
 */
public final class AnthropicMessagesEncoder {

    private AnthropicMessagesEncoder() {}

    /** The first choice of {@code r} as an Anthropic message, with {@code model} the name the client asked for. */
    public static ObjectNode message(ChatResponse r, String model) {
        ObjectNode out = Json.object();
        out.put("id", messageId(r.id()));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        ArrayNode content = out.putArray("content");
        FinishReason finish = null;
        String stopSequence = null;
        if (!r.choices().isEmpty()) {
            ChatResponse.Choice choice = r.choices().getFirst();
            finish = choice.finishReason();
            stopSequence = choice.stopSequence();
            for (ContentPart p : choice.message().content()) {
                ObjectNode block = block(p);
                if (block != null) content.add(block);
            }
        }
        stop(out, finish, stopSequence);
        out.set("usage", usage(r.usage()));
        return out;
    }

    private static ObjectNode block(ContentPart p) {
        return switch (p) {
            // no empty text block: a stream has none for it either, and Anthropic refuses one sent back as history
            case ContentPart.Text t when t.text().isEmpty() -> null;
            case ContentPart.Text t -> Json.object().put("type", "text").put("text", t.text());
            case ContentPart.Reasoning r when r.redacted() -> Json.object().put("type", "redacted_thinking").put("data", r.signature());
            case ContentPart.Reasoning r -> Json.object().put("type", "thinking").put("thinking", r.text() == null ? "" : r.text())
                    .put("signature", r.signature() == null ? "" : r.signature());
            case ContentPart.ToolCall c -> {
                ObjectNode b = Json.object().put("type", "tool_use").put("id", c.id()).put("name", c.name());
                b.set("input", input(c.arguments()));
                yield b;
            }
            default -> null;
        };
    }

    /**
     * Tool arguments as Anthropic's {@code input} object. Arguments that are not a JSON object
     * (empty, or malformed by the model) become {@code {}}: the SDKs accept nothing else there.
     */
    static ObjectNode input(String arguments) {
        if (arguments == null || arguments.isBlank()) return Json.object();
        try {
            JsonNode parsed = Json.parse(arguments);
            return parsed.isObject() ? (ObjectNode) parsed : Json.object();
        } catch (IOException e) {
            return Json.object();
        }
    }

    /** Anthropic-style id ({@link ResponseIds#prefixed}). */
    static String messageId(String id) {
        return ResponseIds.prefixed("msg_", id);
    }

    /** {@code stop_reason} and {@code stop_sequence} into {@code out}, for a choice that ended so. */
    public static void stop(ObjectNode out, FinishReason finish, String stopSequence) {
        if (finish == FinishReason.STOP && stopSequence != null) {
            out.put("stop_reason", "stop_sequence").put("stop_sequence", stopSequence);
        } else {
            out.put("stop_reason", stopReason(finish)).putNull("stop_sequence");
        }
    }

    public static String stopReason(FinishReason r) {
        if (r == null) return null;
        return switch (r) {
            case STOP, ERROR -> "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            case CONTENT_FILTER -> "refusal";
        };
    }

    /** Anthropic's usage object; an unknown usage is all zeros. */
    public static ObjectNode usage(Usage u) {
        ObjectNode out = Json.object();
        Usage usage = u == null ? Usage.ZERO : u;
        out.put("input_tokens", uncachedInput(usage));
        out.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        out.put("cache_read_input_tokens", usage.cachedInputTokens());
        out.put("output_tokens", usage.outputTokens());
        return out;
    }

    static long uncachedInput(Usage u) {
        return Math.max(0, u.inputTokens() - u.cachedInputTokens() - u.cacheWriteTokens());
    }

    /**
     * Anthropic usage (a message's, or a {@code message_delta}'s) as canonical usage: input tokens
     * become the sum of the three input groups. Absent fields read as 0.
     */
    public static Usage canonicalUsage(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        long input = u.path("input_tokens").asLong();
        long read = u.path("cache_read_input_tokens").asLong();
        long write = u.path("cache_creation_input_tokens").asLong();
        return new Usage(input + read + write, u.path("output_tokens").asLong(), read, write, 0, false);
    }
}
