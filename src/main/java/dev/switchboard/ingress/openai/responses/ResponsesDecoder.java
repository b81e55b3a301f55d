package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonFields;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a {@code POST /v1/responses} body. Tools are flat ({@code {"type":"function","name",
 * "description","parameters","strict"}}), not nested as in chat; {@code text.format} is the
 * response format; {@code max_output_tokens} the token limit; {@code reasoning.effort} the effort.
 * Tools of other types (web search, file search, …) are hosted by OpenAI and refused here.
 */
final class ResponsesDecoder {

    /** Request fields a response object repeats, as given. */
    private static final String[] ECHOED = {"instructions", "max_output_tokens", "metadata", "parallel_tool_calls",
        "previous_response_id", "reasoning", "temperature", "text", "tool_choice", "tools", "top_p", "user", "truncation"};

    private ResponsesDecoder() {}

    static ResponsesRequest decode(JsonNode root) {
        if (!root.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        String model = string(root, "model");
        if (model == null || model.isBlank()) throw GatewayError.invalid("model", "Missing required parameter: 'model'.");
        JsonNode reasoning = root.get("reasoning");
        if (reasoning != null && !reasoning.isNull() && !reasoning.isObject()) {
            throw GatewayError.invalid("reasoning", "'reasoning' must be an object.");
        }
        GenerationParams params = new GenerationParams(JsonFields.number(root, "temperature", 0, 2), JsonFields.number(root, "top_p", 0, 1),
                positiveInt(root, "max_output_tokens"), List.of(), null, null, null, null,
                reasoning == null || reasoning.isNull() ? null : JsonFields.reasoningEffort(reasoning, "effort", "reasoning.effort"));
        JsonNode parallel = root.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw GatewayError.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
        }
        JsonNode metadata = root.get("metadata");
        JsonFields.metadata(metadata);
        ObjectNode echo = Json.object();
        for (String field : ECHOED) if (root.has(field)) echo.set(field, root.get(field));
        List<Tool> tools = tools(root.get("tools"));
        if (!tools.isEmpty()) {
            // as OpenAI shows a function tool: parameters and strict always there, null when not given
            ArrayNode shown = echo.putArray("tools");
            for (JsonNode t : root.get("tools")) {
                ObjectNode copy = ((ObjectNode) t).deepCopy();
                if (!copy.has("parameters")) copy.putNull("parameters");
                if (!copy.has("strict")) copy.putNull("strict");
                shown.add(copy);
            }
        }
        JsonNode choice = root.get("tool_choice");
        if (choice != null && "allowed_tools".equals(choice.path("type").asText())) tools = JsonFields.allowedTools(tools, choice.path("tools"));
        ToolChoice toolChoice = toolChoice(choice);
        if (toolChoice instanceof ToolChoice.Named named && tools.stream().noneMatch(t -> t.name().equals(named.name()))) {
            throw GatewayError.invalid("tool_choice", "'tool_choice' names the function '" + named.name() + "', which is not among 'tools'.");
        }
        return new ResponsesRequest(model, ResponsesItems.normalise(root.get("input")), string(root, "instructions"),
                tools, toolChoice,
                parallel == null || parallel.isNull() ? null : parallel.booleanValue(), params, format(root.get("text")),
                bool(root, "stream", false), bool(root, "store", true), string(root, "previous_response_id"), string(root, "user"), echo);
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) return List.of();
        if (!tools.isArray()) throw GatewayError.invalid("tools", "'tools' must be an array.");
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) throw GatewayError.invalid(at, "Each tool must be an object.");
            String type = Json.str(t, "type");
            if (!"function".equals(type)) {
                throw GatewayError.invalid(at + ".type", "Unsupported tool type '" + type + "'; this gateway takes function tools.");
            }
            String name = Json.str(t, "name");
            if (name == null) throw GatewayError.invalid(at + ".name", "Missing required parameter: '" + at + ".name'.");
            out.add(JsonFields.functionTool(t, at, name));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) {
            return switch (c.textValue()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw GatewayError.invalid("tool_choice", "Invalid 'tool_choice': '" + c.textValue() + "'.");
            };
        }
        if (c.isObject() && "function".equals(Json.str(c, "type")) && Json.str(c, "name") != null) return new ToolChoice.Named(Json.str(c, "name"));
        // its mode, over only the tools it allows (decode filters them)
        if (c.isObject() && "allowed_tools".equals(Json.str(c, "type"))) return "required".equals(Json.str(c, "mode")) ? ToolChoice.REQUIRED : ToolChoice.AUTO;
        throw GatewayError.invalid("tool_choice", "'tool_choice' must be auto, none, required, {\"type\":\"function\",\"name\":…} or allowed_tools.");
    }

    private static ResponseFormat format(JsonNode text) {
        if (text == null || text.isNull()) return null;
        if (!text.isObject()) throw GatewayError.invalid("text", "'text' must be an object.");
        JsonNode f = text.get("format");
        if (f == null || f.isNull()) return null;
        if (!f.isObject()) throw GatewayError.invalid("text.format", "'text.format' must be an object.");
        String type = Json.str(f, "type");
        if (type == null) throw GatewayError.invalid("text.format.type", "Missing required parameter: 'text.format.type'.");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                String name = Json.str(f, "name");
                if (name == null) throw GatewayError.invalid("text.format.name", "Missing required parameter: 'text.format.name'.");
                JsonNode schema = f.get("schema");
                if (schema == null || !schema.isObject()) throw GatewayError.invalid("text.format.schema", "'text.format.schema' must be an object.");
                JsonNode strict = f.get("strict");
                yield new ResponseFormat.JsonSchema(name, schema, strict != null && strict.isBoolean() ? strict.booleanValue() : null);
            }
            default -> throw GatewayError.invalid("text.format.type", "Invalid 'text.format.type': '" + type + "'.");
        };
    }

    private static String string(JsonNode node, String field) {
        return JsonFields.optionalString(node, field, field);
    }

    private static Integer positiveInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw GatewayError.invalid(field, "'" + field + "' must be a positive integer.");
        }
        return v.intValue();
    }

    private static boolean bool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw GatewayError.invalid(field, "'" + field + "' must be a boolean.");
        return v.booleanValue();
    }
}
