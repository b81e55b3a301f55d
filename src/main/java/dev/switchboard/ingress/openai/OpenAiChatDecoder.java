package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonFields;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an OpenAI Chat Completions request body into the canonical {@link ChatRequest}, checking
 * every field it reads: a wrong type or a missing field is a 400 whose {@code param} names it
 * (for instance {@code messages[2].tool_call_id}). Fields it does not know are left alone; with a
 * native provider they pass through in the original body.
 */
public final class OpenAiChatDecoder {

    private OpenAiChatDecoder() {}

    /**
     * The first parameter of a Chat Completions body that asks for something the canonical model
     * has no form for — log probabilities, token biases, audio output, predicted outputs, web
     * search — so that a deployment of another format could only drop it; null when there is none.
     * Parameters whose loss changes nothing the client sees ({@code store}, {@code metadata},
     * {@code service_tier}) are not named.
     */
    public static String untranslatable(JsonNode root) {
        if (root.path("logprobs").asBoolean(false)) return "logprobs";
        if (root.hasNonNull("top_logprobs")) return "top_logprobs";
        if (root.path("logit_bias").isObject() && !root.get("logit_bias").isEmpty()) return "logit_bias";
        if (root.hasNonNull("audio")) return "audio";
        for (JsonNode m : root.path("modalities")) if ("audio".equals(m.asText())) return "modalities";
        if (root.hasNonNull("prediction")) return "prediction";
        if (root.hasNonNull("web_search_options")) return "web_search_options";
        for (JsonNode t : root.path("tools")) if (!"function".equals(t.path("type").asText("function"))) return "tools";
        JsonNode choice = root.path("tool_choice");
        String choiceType = choice.path("type").asText("function");
        if (choice.isObject() && !"function".equals(choiceType) && !"allowed_tools".equals(choiceType)) return "tool_choice";
        return null;
    }

    public static ChatRequest decode(JsonNode root) {
        if (!root.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        String model = requiredString(root, "model");
        JsonNode msgs = root.get("messages");
        if (msgs == null || msgs.isNull()) throw GatewayError.invalid("messages", "Missing required parameter: 'messages'.");
        if (!msgs.isArray()) throw GatewayError.invalid("messages", "'messages' must be an array.");
        if (msgs.isEmpty()) throw GatewayError.invalid("messages", "'messages' must contain at least one message.");
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), "messages[" + i + "]"));

        boolean legacy = legacyFunctions(root);
        List<Tool> tools = legacy ? functions(root.get("functions")) : tools(root.get("tools"));
        JsonNode choice = root.get("tool_choice");
        ToolChoice toolChoice = legacy ? functionCall(root.get("function_call")) : toolChoice(choice);
        if (!legacy && choice != null && "allowed_tools".equals(choice.path("type").asText())) {
            tools = JsonFields.allowedTools(tools, choice.path("allowed_tools").path("tools"));
        }
        if (toolChoice instanceof ToolChoice.Named named && tools.stream().noneMatch(t -> t.name().equals(named.name()))) {
            String param = legacy ? "function_call" : "tool_choice";
            throw GatewayError.invalid(param, "'" + param + "' names the function '" + named.name() + "', which is not among '"
                    + (legacy ? "functions" : "tools") + "'.");
        }
        Integer maxCompletionTokens = positiveInt(root, "max_completion_tokens");
        Integer legacyMaxTokens = positiveInt(root, "max_tokens");
        Integer maxTokens = maxCompletionTokens != null ? maxCompletionTokens : legacyMaxTokens;
        GenerationParams params = new GenerationParams(
                JsonFields.number(root, "temperature", 0, 2),
                JsonFields.number(root, "top_p", 0, 1),
                maxTokens,
                stop(root.get("stop")),
                integer(root, "seed"),
                choices(positiveInt(root, "n"), "n", MAX_CHOICES),
                JsonFields.number(root, "presence_penalty", -2, 2),
                JsonFields.number(root, "frequency_penalty", -2, 2),
                JsonFields.reasoningEffort(root, "reasoning_effort", "reasoning_effort"));
        boolean stream = bool(root, "stream");
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = false;
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) throw GatewayError.invalid("stream_options", "'stream_options' must be an object.");
            includeUsage = JsonFields.bool(streamOptions, "include_usage", "stream_options.include_usage");
        }
        JsonNode parallel = root.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw GatewayError.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
        }
        return new ChatRequest(model, messages, tools, toolChoice,
                parallel == null || parallel.isNull() ? null : parallel.booleanValue(),
                params, responseFormat(root.get("response_format")), stream, includeUsage,
                optionalString(root, "user"));
    }

    private static Message message(JsonNode m, String at) {
        if (!m.isObject()) throw GatewayError.invalid(at, "Each message must be an object.");
        String roleText = Json.str(m, "role");
        if (roleText == null) throw GatewayError.invalid(at + ".role", "Missing required parameter: '" + at + ".role'.");
        Role role = switch (roleText) {
            case "system" -> Role.SYSTEM;
            case "developer" -> Role.DEVELOPER;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool", "function" -> Role.TOOL;
            default -> throw GatewayError.invalid(at + ".role", "Invalid role '" + roleText + "'.");
        };
        List<ContentPart> parts = new ArrayList<>();
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            if (role != Role.ASSISTANT) throw GatewayError.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.");
        } else if (content.isTextual()) {
            parts.add(new ContentPart.Text(content.textValue()));
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) parts.add(part(content.get(i), at + ".content[" + i + "]"));
        } else {
            throw GatewayError.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content parts.");
        }
        if (role == Role.ASSISTANT) {
            JsonNode calls = m.get("tool_calls");
            if (calls != null && !calls.isNull()) {
                if (!calls.isArray()) throw GatewayError.invalid(at + ".tool_calls", "'tool_calls' must be an array.");
                for (int i = 0; i < calls.size(); i++) parts.add(toolCall(calls.get(i), at + ".tool_calls[" + i + "]"));
            }
            JsonNode legacyCall = m.get("function_call");
            if (legacyCall != null && !legacyCall.isNull()) {
                // the deprecated single call: its result comes back as role "function" under the same name, which serves as the id
                if (!legacyCall.isObject()) throw GatewayError.invalid(at + ".function_call", "'function_call' must be an object.");
                String fnName = requiredString(legacyCall, "name", at + ".function_call.name");
                parts.add(new ContentPart.ToolCall(fnName, fnName, requiredString(legacyCall, "arguments", at + ".function_call.arguments")));
            }
            JsonNode blocks = m.get("thinking_blocks");
            if (blocks != null && blocks.isArray() && !blocks.isEmpty()) {
                // the signed reasoning an answer carried (OpenAiChatEncoder#message): it holds reasoning_content's text too
                placeReasoning(thinkingBlocks(blocks, at + ".thinking_blocks"), parts);
            } else {
                JsonNode reasoning = m.get("reasoning_content");
                if (reasoning != null && reasoning.isTextual()) parts.addFirst(new ContentPart.Reasoning(reasoning.textValue(), null, false));
            }
            if (content == null || content.isNull()) {
                if (parts.isEmpty()) throw GatewayError.invalid(at + ".content", "An assistant message needs 'content', 'tool_calls' or 'function_call'.");
            }
        }
        if (role == Role.TOOL) {
            String callId = Json.str(m, "tool_call_id");
            if (callId == null && "function".equals(roleText)) callId = Json.str(m, "name");
            if (callId == null) throw GatewayError.invalid(at + ".tool_call_id", "Missing required parameter: '" + at + ".tool_call_id'.");
            return new Message(role, List.of(new ContentPart.ToolResult(callId, parts, false)), Json.str(m, "name"));
        }
        JsonNode name = m.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) throw GatewayError.invalid(at + ".name", "'name' must be a string.");
        return new Message(role, parts, name == null || name.isNull() ? null : name.textValue());
    }

    private static ContentPart part(JsonNode p, String at) {
        if (!p.isObject()) throw GatewayError.invalid(at, "Each content part must be an object.");
        String type = Json.str(p, "type");
        if (type == null) throw GatewayError.invalid(at + ".type", "Missing required parameter: '" + at + ".type'.");
        switch (type) {
            case "text", "input_text" -> {
                return new ContentPart.Text(requiredString(p, "text", at + ".text"));
            }
            case "refusal" -> {
                return new ContentPart.Text(requiredString(p, "refusal", at + ".refusal"));
            }
            case "image_url" -> {
                JsonNode img = p.get("image_url");
                String url = img != null && img.isTextual() ? img.textValue() : img != null && img.isObject() ? Json.str(img, "url") : null;
                if (url == null) throw GatewayError.invalid(at + ".image_url.url", "Missing required parameter: '" + at + ".image_url.url'.");
                String detail = img.isObject() ? Json.str(img, "detail") : null;
                if (url.startsWith("data:")) {
                    int semi = url.indexOf(';');
                    int comma = url.indexOf(',');
                    if (semi > 5 && comma > semi && url.regionMatches(semi, ";base64", 0, 7)) {
                        return new ContentPart.Image(null, url.substring(5, semi), url.substring(comma + 1), detail);
                    }
                }
                return new ContentPart.Image(url, null, null, detail);
            }
            case "input_audio" -> {
                JsonNode audio = p.get("input_audio");
                if (audio == null || !audio.isObject()) throw GatewayError.invalid(at + ".input_audio", "'input_audio' must be an object.");
                return new ContentPart.Audio(requiredString(audio, "data", at + ".input_audio.data"), Json.str(audio, "format"));
            }
            case "file" -> {
                JsonNode file = p.get("file");
                if (file == null || !file.isObject()) throw GatewayError.invalid(at + ".file", "'file' must be an object.");
                String data = Json.str(file, "file_data");
                String mediaType = null;
                if (data != null && data.startsWith("data:") && data.indexOf(";base64,") > 0) {
                    mediaType = data.substring(5, data.indexOf(';'));
                    data = data.substring(data.indexOf(";base64,") + 8);
                }
                return new ContentPart.File(Json.str(file, "file_id"), Json.str(file, "filename"), mediaType, data);
            }
            default -> throw GatewayError.invalid(at + ".type", "Unsupported content part type '" + type + "'.");
        }
    }

    private static ContentPart.ToolCall toolCall(JsonNode c, String at) {
        if (!c.isObject()) throw GatewayError.invalid(at, "Each tool call must be an object.");
        JsonNode fn = c.get("function");
        if (fn == null || !fn.isObject()) throw GatewayError.invalid(at + ".function", "Missing required parameter: '" + at + ".function'.");
        return new ContentPart.ToolCall(requiredString(c, "id", at + ".id"), requiredString(fn, "name", at + ".function.name"),
                requiredString(fn, "arguments", at + ".function.arguments"));
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) return List.of();
        if (!tools.isArray()) throw GatewayError.invalid("tools", "'tools' must be an array.");
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) throw GatewayError.invalid(at, "Each tool must be an object.");
            JsonNode type = t.get("type");
            if (type != null && !type.isNull() && !type.isTextual()) throw GatewayError.invalid(at + ".type", "'" + at + ".type' must be a string.");
            // another type (custom tools, say) has no canonical form: it reaches an OpenAI-format
            // provider in the client's own body, and other formats by the unsupportedParameters policy
            if (type != null && type.isTextual() && !type.textValue().equals("function")) continue;
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject()) throw GatewayError.invalid(at + ".function", "Missing required parameter: '" + at + ".function'.");
            out.add(JsonFields.functionTool(fn, at + ".function", requiredString(fn, "name", at + ".function.name")));
        }
        return out;
    }

    /**
     * The deprecated {@code functions} (and {@code function_call}) in place of {@code tools}: read
     * as tools, and answered in their own shape ({@link LegacyFunctions}), whose one
     * {@code function_call} is the answer's first call. Where both are sent, {@code tools} wins,
     * as OpenAI's own precedence has it.
     */
    public static boolean legacyFunctions(JsonNode root) {
        return root.hasNonNull("functions") && !root.hasNonNull("tools");
    }

    private static List<Tool> functions(JsonNode functions) {
        if (!functions.isArray()) throw GatewayError.invalid("functions", "'functions' must be an array.");
        List<Tool> out = new ArrayList<>(functions.size());
        for (int i = 0; i < functions.size(); i++) {
            String at = "functions[" + i + "]";
            JsonNode fn = functions.get(i);
            if (!fn.isObject()) throw GatewayError.invalid(at, "Each function must be an object.");
            out.add(JsonFields.functionTool(fn, at, requiredString(fn, "name", at + ".name")));
        }
        return out;
    }

    private static ToolChoice functionCall(JsonNode c) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual() && c.textValue().equals("auto")) return ToolChoice.AUTO;
        if (c.isTextual() && c.textValue().equals("none")) return ToolChoice.NONE;
        if (c.isObject() && Json.str(c, "name") != null) return new ToolChoice.Named(Json.str(c, "name"));
        throw GatewayError.invalid("function_call", "'function_call' must be auto, none or {\"name\": …}.");
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
        if (!c.isObject()) throw GatewayError.invalid("tool_choice", "'tool_choice' must be a string or an object.");
        String type = Json.str(c, "type");
        if (type == null || type.equals("function")) {
            JsonNode fn = c.get("function");
            if (fn != null && fn.isObject() && Json.str(fn, "name") != null) return new ToolChoice.Named(Json.str(fn, "name"));
            throw GatewayError.invalid("tool_choice", "'tool_choice' must be auto, none, required or a named function.");
        }
        // allowed_tools: its mode, over only the tools it allows (decode filters them); passed natively as it is
        if (type.equals("allowed_tools")) return "required".equals(c.path("allowed_tools").path("mode").asText()) ? ToolChoice.REQUIRED : ToolChoice.AUTO;
        // a custom tool has no canonical form: passed natively, or by the unsupportedParameters policy
        return null;
    }

    private static ResponseFormat responseFormat(JsonNode f) {
        if (f == null || f.isNull()) return null;
        if (!f.isObject()) throw GatewayError.invalid("response_format", "'response_format' must be an object.");
        String type = Json.str(f, "type");
        if (type == null) throw GatewayError.invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                JsonNode s = f.get("json_schema");
                if (s == null || !s.isObject()) throw GatewayError.invalid("response_format.json_schema", "'json_schema' must be an object.");
                JsonNode strict = s.get("strict");
                yield new ResponseFormat.JsonSchema(requiredString(s, "name", "response_format.json_schema.name"), s.get("schema"),
                        strict != null && strict.isBoolean() ? strict.booleanValue() : null);
            }
            default -> throw GatewayError.invalid("response_format.type", "Invalid 'response_format.type': '" + type + "'.");
        };
    }

    private static List<String> stop(JsonNode s) {
        if (s == null || s.isNull()) return List.of();
        if (s.isTextual()) return List.of(s.textValue());
        if (s.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode e : s) {
                if (!e.isTextual()) throw GatewayError.invalid("stop", "'stop' must be a string or an array of strings.");
                out.add(e.textValue());
            }
            return out;
        }
        throw GatewayError.invalid("stop", "'stop' must be a string or an array of strings.");
    }

    static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, field);
    }

    static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.invalid(param, "Missing required parameter: '" + param + "'.");
        if (!v.isTextual()) throw GatewayError.invalid(param, "'" + param + "' must be a string.");
        if (field.equals("model") && v.textValue().isBlank()) throw GatewayError.invalid(param, "'model' must not be empty.");
        return v.textValue();
    }

    private static String optionalString(JsonNode node, String field) {
        return JsonFields.optionalString(node, field, field);
    }

    private static Long integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw GatewayError.invalid(field, "'" + field + "' must be an integer.");
        return v.longValue();
    }

    /** OpenAI's own limit on {@code n}; every choice is made and held in full, so the gateway keeps it too. */
    static final int MAX_CHOICES = 128;

    /** {@code n} within {@code max}: a request for more choices is a 400, not an answer that fills the heap. */
    public static Integer choices(Integer n, String param, int max) {
        if (n != null && n > max) throw GatewayError.invalid(param, "'" + param + "' must be at most " + max + ".");
        return n;
    }

    private static Integer positiveInt(JsonNode node, String field) {
        Long v = integer(node, field);
        if (v == null) return null;
        if (v < 1 || v > Integer.MAX_VALUE) throw GatewayError.invalid(field, "'" + field + "' must be a positive integer.");
        return v.intValue();
    }

    private static boolean bool(JsonNode node, String field) {
        return JsonFields.bool(node, field, field);
    }


    /**
     * Reasoning first in the message, as every provider puts it, but a signature without text (a
     * Gemini thought signature, which stands for the part after it) just before the first tool
     * call, the part Gemini signs.
     */
    private static void placeReasoning(List<ContentPart> reasoning, List<ContentPart> parts) {
        List<ContentPart> standing = new ArrayList<>();
        List<ContentPart> leading = new ArrayList<>();
        for (ContentPart p : reasoning) {
            if (p instanceof ContentPart.Reasoning r && r.text() == null && !r.redacted()) standing.add(p);
            else leading.add(p);
        }
        parts.addAll(0, leading);
        int at = leading.size();
        for (int i = leading.size(); i < parts.size(); i++) {
            if (parts.get(i) instanceof ContentPart.ToolCall) {
                at = i;
                break;
            }
        }
        parts.addAll(at, standing);
    }

    /** {@code thinking_blocks} as reasoning parts: {@code thinking} (text, signature) and {@code redacted_thinking} (data). */
    private static List<ContentPart> thinkingBlocks(JsonNode blocks, String at) {
        List<ContentPart> out = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String where = at + "[" + i + "]";
            if (!b.isObject()) throw GatewayError.invalid(where, "'" + where + "' must be an object.");
            switch (String.valueOf(Json.str(b, "type"))) {
                case "thinking" -> {
                    String text = Json.str(b, "thinking");
                    out.add(new ContentPart.Reasoning(text == null || text.isEmpty() ? null : text, Json.str(b, "signature"), false));
                }
                case "redacted_thinking" -> out.add(new ContentPart.Reasoning(null, requiredString(b, "data", where + ".data"), true));
                default -> throw GatewayError.invalid(where + ".type", "'" + where + ".type' must be 'thinking' or 'redacted_thinking'.");
            }
        }
        return out;
    }
}
