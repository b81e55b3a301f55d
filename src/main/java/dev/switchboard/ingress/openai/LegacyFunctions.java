package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answer to a request that used the deprecated {@code functions} ({@link OpenAiChatDecoder#legacyFunctions})
 * and was served through the canonical model: its one call as {@code message.function_call}
 * (not {@code tool_calls}), and {@code finish_reason: "function_call"}, as OpenAI answers it. A
 * native answer is the provider's own and is left alone.
 */
final class LegacyFunctions {

    static final String FINISH = "function_call";

    private LegacyFunctions() {}

    /** Reshapes an encoded {@code chat.completion} in place, and returns it. */
    static ObjectNode answer(ObjectNode completion) {
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode message = (ObjectNode) choice.get("message");
            JsonNode calls = message.remove("tool_calls");
            if (calls != null && !calls.isEmpty()) message.set("function_call", calls.get(0).get("function"));
            if ("tool_calls".equals(choice.path("finish_reason").asText())) ((ObjectNode) choice).put("finish_reason", FINISH);
        }
        return completion;
    }
}
