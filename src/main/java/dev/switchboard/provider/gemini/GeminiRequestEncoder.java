package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a canonical request as a Gemini {@code GenerateContentRequest} body (the model goes in
 * the URL). System and developer messages become {@code systemInstruction}, wherever they stand;
 * user turns {@code user}, assistant turns {@code model}; consecutive tool results become one
 * {@code user} turn of {@code functionResponse} parts, named after the call they answer (looked up
 * by id among the earlier assistant turns, else the tool message's {@code name}).
 *
 * <p>Tools go as {@code functionDeclarations} with {@code parametersJsonSchema} (JSON Schema as
 * given); tool choice as {@code functionCallingConfig} (auto → AUTO, none → NONE, required → ANY,
 * a named function → ANY limited to it); JSON mode as {@code responseMimeType: application/json}
 * with {@code responseJsonSchema}; a reasoning effort as {@code thinkingConfig.thinkingBudget}
 * ({@link GeminiWire#thinkingBudget}) with {@code includeThoughts} unless the effort is none.
 * {@code parallel_tool_calls} and {@code user} have no Gemini equivalent: dropped, or refused with
 * the {@code reject} policy. The first function call of an assistant turn that has no thought
 * signature gets Google's documented skip value ({@link #signFirstCall}). Stateless; the same
 * request always gives the same body.
 */
public final class GeminiRequestEncoder {

    private GeminiRequestEncoder() {}

    public static ObjectNode encode(ChatRequest r, boolean rejectUnsupported) {
        if (rejectUnsupported) {
            if (r.parallelToolCalls() != null) throw unsupported("parallel_tool_calls");
            if (r.user() != null) throw unsupported("user");
        }
        ObjectNode body = Json.object();
        body.set("contents", contents(r.messages()));
        ArrayNode system = null;
        for (Message m : r.messages()) {
            if (m.role() != dev.switchboard.model.Role.SYSTEM && m.role() != dev.switchboard.model.Role.DEVELOPER) continue;
            if (system == null) system = Json.NODES.arrayNode();
            for (ContentPart p : m.content()) if (p instanceof ContentPart.Text t) system.addObject().put("text", t.text());
        }
        if (system != null && body.get("contents").isEmpty()) {
            // a conversation of system messages alone, which OpenAI answers: Gemini needs a turn to answer
            ((ArrayNode) body.get("contents")).addObject().put("role", "user").set("parts", system);
        } else if (system != null) {
            body.putObject("systemInstruction").set("parts", system);
        }
        if (!r.tools().isEmpty()) {
            ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool t : r.tools()) {
                ObjectNode d = decls.addObject().put("name", t.name());
                if (t.description() != null) d.put("description", t.description());
                if (t.parameters() != null) d.set("parametersJsonSchema", t.parameters());
            }
        }
        if (r.toolChoice() != null) {
            ObjectNode fc = body.putObject("toolConfig").putObject("functionCallingConfig");
            switch (r.toolChoice()) {
                case ToolChoice.Auto a -> fc.put("mode", "AUTO");
                case ToolChoice.None n -> fc.put("mode", "NONE");
                case ToolChoice.Required q -> fc.put("mode", "ANY");
                case ToolChoice.Named n -> {
                    fc.put("mode", "ANY");
                    fc.putArray("allowedFunctionNames").add(n.name());
                }
            }
        }
        ObjectNode config = generationConfig(r.params(), r.responseFormat());
        if (!config.isEmpty()) body.set("generationConfig", config);
        return body;
    }

    private static ArrayNode contents(List<Message> messages) {
        ArrayNode out = Json.NODES.arrayNode();
        Map<String, String> callNames = new HashMap<>();
        ArrayNode toolTurn = null; // the parts of the user turn that collects consecutive tool results
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> { }
                case TOOL -> {
                    if (toolTurn == null) {
                        ObjectNode c = out.addObject().put("role", "user");
                        toolTurn = c.putArray("parts");
                    }
                    String at = "messages[" + i + "]";
                    toolTurn.addAll(GeminiParts.encode(m.content(), result -> {
                        String name = callNames.get(result.toolCallId());
                        if (name == null) name = m.name();
                        if (name == null) {
                            throw GatewayError.invalid(at + ".tool_call_id",
                                    "Tool result '" + result.toolCallId() + "' answers no earlier tool call, and has no 'name'.");
                        }
                        return name;
                    }));
                }
                case USER, ASSISTANT -> {
                    toolTurn = null;
                    for (ContentPart.ToolCall call : m.toolCalls()) callNames.put(call.id(), call.name());
                    ArrayNode parts = GeminiParts.encode(m.content(), r -> {
                        throw GatewayError.invalid("messages[" + messages.indexOf(m) + "].content", "A tool result belongs in a tool message.");
                    });
                    if (parts.isEmpty()) parts.addObject().put("text", "");
                    if (m.role() == dev.switchboard.model.Role.ASSISTANT) signFirstCall(parts);
                    ObjectNode c = out.addObject().put("role", m.role() == dev.switchboard.model.Role.USER ? "user" : "model");
                    c.set("parts", parts);
                }
            }
        }
        return out;
    }

    /**
     * Gemini 3 refuses a conversation whose model turn calls a function without the thought
     * signature it came with (the first call of a turn carries it). A turn from another provider
     * has none, so its first call gets the value Google documents for exactly that case, which
     * tells Gemini to skip the check; a turn that kept its signature is left alone.
     */
    private static void signFirstCall(ArrayNode parts) {
        for (com.fasterxml.jackson.databind.JsonNode p : parts) {
            if (!p.has("functionCall")) continue;
            if (!p.has("thoughtSignature")) ((ObjectNode) p).put("thoughtSignature", SKIP_SIGNATURE_CHECK);
            return;
        }
    }

    static final String SKIP_SIGNATURE_CHECK = "skip_thought_signature_validator";

    private static ObjectNode generationConfig(GenerationParams p, ResponseFormat format) {
        ObjectNode c = Json.object();
        if (p.temperature() != null) c.put("temperature", p.temperature());
        if (p.topP() != null) c.put("topP", p.topP());
        if (p.maxTokens() != null) c.put("maxOutputTokens", p.maxTokens());
        if (!p.stop().isEmpty()) {
            ArrayNode stop = c.putArray("stopSequences");
            p.stop().forEach(stop::add);
        }
        if (p.seed() != null) c.put("seed", p.seed());
        if (p.n() != null) {
            // Gemini's own ceiling: refused here, naming the client's field, rather than by the provider
            if (p.n() > 8) throw GatewayError.invalid("n", "'n' must be at most 8 for a Gemini model (its candidateCount).");
            c.put("candidateCount", p.n());
        }
        if (p.presencePenalty() != null) c.put("presencePenalty", p.presencePenalty());
        if (p.frequencyPenalty() != null) c.put("frequencyPenalty", p.frequencyPenalty());
        switch (format) {
            case ResponseFormat.JsonObject o -> c.put("responseMimeType", "application/json");
            case ResponseFormat.JsonSchema s -> {
                c.put("responseMimeType", "application/json");
                if (s.schema() != null) c.set("responseJsonSchema", s.schema());
            }
            case ResponseFormat.Text t -> { }
            case null -> { }
        }
        Integer budget = GeminiWire.thinkingBudget(p.reasoningEffort());
        if (budget != null) {
            ObjectNode thinking = c.putObject("thinkingConfig").put("thinkingBudget", budget);
            if (budget > 0) thinking.put("includeThoughts", true);
        }
        return c;
    }

    private static GatewayError unsupported(String field) {
        return new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter '" + field + "' is not supported by provider gemini.",
                field, -1, false);
    }
}
