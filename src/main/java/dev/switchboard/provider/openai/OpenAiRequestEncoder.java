package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;

/**
 * Encodes a canonical {@link ChatRequest} as an OpenAI Chat Completions body — the body an OpenAI
 * client would have sent for it, with {@code model} the client's name. What the deployment and
 * preset manage ({@code model}, {@code stream_options}, refused and renamed fields) is applied
 * afterwards by {@link OpenAiProvider}, by the same code as in native passthrough, so a preset
 * behaves the same whichever format the client spoke.
 *
 * <p>Written in OpenAI's current spelling: {@code max_completion_tokens} (presets whose server
 * wants {@code max_tokens} rename it), {@code stop} always as an array. Only what the request sets
 * is written. {@code tool_choice} and {@code parallel_tool_calls} go only with tools, since OpenAI
 * refuses them alone. Messages are mapped by {@link OpenAiMessages}.
 */
public final class OpenAiRequestEncoder {

    private OpenAiRequestEncoder() {}

    public static ObjectNode encode(ChatRequest r) {
        ObjectNode body = Json.object();
        body.put("model", r.model());
        ArrayNode messages = body.putArray("messages");
        for (Message m : r.messages()) OpenAiMessages.append(m, messages);
        if (!r.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool t : r.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", t.name());
                if (t.description() != null) fn.put("description", t.description());
                if (t.parameters() != null) fn.set("parameters", t.parameters());
                if (t.strict() != null) fn.put("strict", t.strict());
            }
            if (r.toolChoice() != null) body.set("tool_choice", toolChoice(r.toolChoice()));
            if (r.parallelToolCalls() != null) body.put("parallel_tool_calls", r.parallelToolCalls());
        }
        if (r.responseFormat() != null) body.set("response_format", responseFormat(r.responseFormat()));
        GenerationParams p = r.params();
        if (p.temperature() != null) body.put("temperature", p.temperature());
        if (p.topP() != null) body.put("top_p", p.topP());
        if (p.maxTokens() != null) body.put("max_completion_tokens", p.maxTokens());
        if (!p.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            p.stop().forEach(stop::add);
        }
        if (p.seed() != null) body.put("seed", p.seed());
        if (p.n() != null) body.put("n", p.n());
        if (p.presencePenalty() != null) body.put("presence_penalty", p.presencePenalty());
        if (p.frequencyPenalty() != null) body.put("frequency_penalty", p.frequencyPenalty());
        if (p.reasoningEffort() != null) body.put("reasoning_effort", p.reasoningEffort());
        if (r.user() != null) body.put("user", r.user());
        if (r.stream()) body.put("stream", true);
        return body;
    }

    private static JsonNode toolChoice(ToolChoice c) {
        return switch (c) {
            case ToolChoice.Auto a -> TextNode.valueOf("auto");
            case ToolChoice.None n -> TextNode.valueOf("none");
            case ToolChoice.Required req -> TextNode.valueOf("required");
            case ToolChoice.Named named -> {
                ObjectNode out = Json.object().put("type", "function");
                out.putObject("function").put("name", named.name());
                yield out;
            }
        };
    }

    private static ObjectNode responseFormat(ResponseFormat f) {
        return switch (f) {
            case ResponseFormat.Text t -> Json.object().put("type", "text");
            case ResponseFormat.JsonObject o -> Json.object().put("type", "json_object");
            case ResponseFormat.JsonSchema s -> {
                ObjectNode out = Json.object().put("type", "json_schema");
                ObjectNode schema = out.putObject("json_schema");
                schema.put("name", s.name());
                if (s.schema() != null) schema.set("schema", s.schema());
                if (s.strict() != null) schema.put("strict", s.strict());
                yield out;
            }
        };
    }
}
