package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;

/**
 * JSON mode for a provider that has none (or none without a schema): the answer is asked for as
 * the input of one tool, {@value #NAME}, whose input schema is the answer's schema, and the
 * provider's decoders turn a call of it back into the answer's text, whole or streamed, with
 * finish reason stop. The encoders decide when a provider needs it; this holds what they share.
 */
public final class JsonAnswerTool {

    public static final String NAME = "json_answer";
    public static final String DESCRIPTION =
            "Give your whole answer as one JSON object: call this tool with that object as its input.";

    private JsonAnswerTool() {}

    /**
     * The schema of the JSON answer {@code r} asks for: its json_schema's schema, or any object for
     * json_object and a json_schema without one; null when it asks for no JSON, or when it requires
     * a tool call of its own ({@code required} or a named tool), whose call is then the answer.
     */
    public static JsonNode schema(ChatRequest r) {
        if (r.toolChoice() instanceof ToolChoice.Required || r.toolChoice() instanceof ToolChoice.Named) return null;
        return switch (r.responseFormat()) {
            case ResponseFormat.JsonObject o -> anyObject();
            case ResponseFormat.JsonSchema s -> s.schema() != null ? s.schema() : anyObject();
            case null, default -> null;
        };
    }

    /** Whether a tool call named {@code name} is the answer: {@code jsonTool} is the tool's name when the request asked through it, else null. */
    public static boolean answers(String jsonTool, String name) {
        return jsonTool != null && jsonTool.equals(name);
    }

    /** Whether {@code r}'s JSON answer has no schema of its own (json_object, or json_schema without one). */
    public static boolean schemaless(ChatRequest r) {
        return r.responseFormat() instanceof ResponseFormat.JsonObject
                || r.responseFormat() instanceof ResponseFormat.JsonSchema s && s.schema() == null;
    }

    private static JsonNode anyObject() {
        return Json.object().put("type", "object");
    }
}
