package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decodes an OpenAI {@code chat.completion} object into a canonical {@link ChatResponse}; streams
 * go through {@link OpenAiChunkDecoder}, which shares the field rules here.
 *
 * <p>Each choice's message becomes, in order: a {@link ContentPart.Reasoning} part for the
 * reasoning some compatible servers show ({@code reasoning_content}, or {@code reasoning}), a text
 * part for {@code content}, a text part for {@code refusal} (the canonical model has no refusal of
 * its own, and a client of any format should read the model's words), and a tool call part per
 * {@code tool_calls} entry. {@code id}, {@code model} and {@code created} are the provider's; usage
 * is absent (null) when the provider gave none — the gateway does not make numbers up.
 */
public final class OpenAiResponseDecoder {

    private OpenAiResponseDecoder() {}

    /** @throws IOException when the reply is not a chat completion (no {@code choices} array) */
    public static ChatResponse decode(JsonNode root) throws IOException {
        JsonNode choices = root.get("choices");
        if (!root.isObject() || choices == null || !choices.isArray()) {
            throw new IOException("the reply is not a chat completion: no 'choices' array");
        }
        List<ChatResponse.Choice> out = new ArrayList<>(choices.size());
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            JsonNode m = c.path("message");
            List<ContentPart> parts = new ArrayList<>(2);
            String reasoning = reasoning(m);
            if (reasoning != null) parts.add(new ContentPart.Reasoning(reasoning, null, false));
            String content = Json.str(m, "content");
            if (content != null) parts.add(new ContentPart.Text(content));
            String refusal = Json.str(m, "refusal");
            if (refusal != null) parts.add(new ContentPart.Text(refusal));
            for (JsonNode call : m.path("tool_calls")) {
                JsonNode fn = call.path("function");
                String args = arguments(fn.get("arguments"));
                parts.add(new ContentPart.ToolCall(callId(Json.str(call, "id")), Json.str(fn, "name"), args == null ? "" : args));
            }
            out.add(new ChatResponse.Choice(c.path("index").asInt(i), new Message(Role.ASSISTANT, parts, null),
                    finishReason(Json.str(c, "finish_reason"))));
        }
        return new ChatResponse(Json.str(root, "id"), Json.str(root, "model"), root.path("created").asLong(), out,
                OpenAiProvider.usage(root.get("usage")));
    }

    /**
     * A tool call's id, made up when a compatible server sent none: without one the call could
     * not be answered (every format's tool result names the call it answers).
     */
    static String callId(String given) {
        if (given != null && !given.isEmpty()) return given;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "call_" + HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextInt());
    }

    /**
     * OpenAI's finish reasons, and the few other spellings of the compatible family (Mistral's
     * {@code model_length} and {@code error}, the legacy {@code function_call}); anything else
     * ended normally. Null stays null: the provider did not say.
     */
    public static FinishReason finishReason(String wire) {
        if (wire == null) return null;
        return switch (wire) {
            case "length", "model_length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            case "error" -> FinishReason.ERROR;
            default -> FinishReason.STOP;
        };
    }

    /** The reasoning text of a message or delta: {@code reasoning_content} (DeepSeek, vLLM), else {@code reasoning} (OpenRouter, Ollama). */
    static String reasoning(JsonNode messageOrDelta) {
        String r = Json.str(messageOrDelta, "reasoning_content");
        return r != null ? r : Json.str(messageOrDelta, "reasoning");
    }

    /** Arguments are JSON text; a server that sends them as an object gets them written as text. */
    static String arguments(JsonNode args) {
        if (args == null || args.isNull()) return null;
        return args.isTextual() ? args.textValue() : Json.text(args);
    }
}
