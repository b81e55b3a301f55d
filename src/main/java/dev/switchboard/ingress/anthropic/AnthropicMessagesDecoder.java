package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonFields;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ReasoningBudget;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes an Anthropic Messages request body into the canonical {@link ChatRequest}, checking
 * every field it reads. A wrong type or a missing field is a 400 whose message names the field
 * ({@code 'messages[2].content[0].source.data'}); Anthropic's error shape has no {@code param},
 * so the message carries it, and {@code param} is set for the log.
 *
 * <p>The mapping:
 * <ul>
 *   <li>{@code system} → system messages, first: one for a string, one per text block (a
 *       key's system prompt is a block of its own, as it is a message of its own in OpenAI's
 *       format).</li>
 *   <li>A user message's {@code tool_result} blocks → one tool message each, in order, then the
 *       rest of its blocks as a user message (Anthropic puts tool results first in the turn).</li>
 *   <li>Blocks: text; image (base64, url or file source); document → file (base64 and plain-text
 *       sources inline, file source by id, content source as its inner blocks); tool_use → tool
 *       call with {@code input} as compact JSON; tool_result (string or block content,
 *       {@code is_error}); thinking and redacted_thinking → reasoning, signature or data kept
 *       verbatim.</li>
 *   <li>{@code tools} (custom tools: {@code input_schema} as parameters), {@code tool_choice}
 *       auto/any/tool/none, {@code disable_parallel_tool_use: true} → parallel tool calls off.</li>
 *   <li>{@code max_tokens}, {@code temperature}, {@code top_p}, {@code stop_sequences},
 *       {@code metadata.user_id} → user; {@code thinking} → reasoning effort by
 *       {@link ReasoningBudget}, or {@code output_config.effort} where given;
 *       {@code output_config.format} json_schema → a JSON schema response format.</li>
 *   <li>A {@code system} message within {@code messages} → a system message in its place.</li>
 * </ul>
 * What has no canonical form — {@code top_k}, {@code cache_control}, citations, server tools
 * (web search, code execution, …) and their blocks, document URL sources, unknown fields and
 * block types — is left out of the canonical request but stays in the client's body, which an
 * Anthropic provider receives as it was sent.
 */
public final class AnthropicMessagesDecoder {

    private AnthropicMessagesDecoder() {}

    /** A {@code /v1/messages} body: {@code max_tokens} is required. */
    public static ChatRequest decode(JsonNode root) {
        return decode(root, true);
    }

    /** A {@code /v1/messages/count_tokens} body: the same fields, without {@code max_tokens}. */
    public static ChatRequest decodeForCount(JsonNode root) {
        return decode(root, false);
    }

    private static ChatRequest decode(JsonNode root, boolean generation) {
        if (!root.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        String model = requiredString(root, "model", "model");
        if (model.isBlank()) throw GatewayError.invalid("model", "'model' must not be empty.");
        List<Message> messages = new ArrayList<>();
        system(root.get("system"), messages);
        JsonNode msgs = root.get("messages");
        if (msgs == null || msgs.isNull()) throw GatewayError.invalid("messages", "Missing required parameter: 'messages'.");
        if (!msgs.isArray()) throw GatewayError.invalid("messages", "'messages' must be an array.");
        if (msgs.isEmpty()) throw GatewayError.invalid("messages", "'messages' must contain at least one message.");
        for (int i = 0; i < msgs.size(); i++) message(msgs.get(i), "messages[" + i + "]", messages);

        Integer maxTokens = nonNegativeInt(root, "max_tokens"); // 0 asks Anthropic only to fill its prompt cache
        if (generation && maxTokens == null) throw GatewayError.invalid("max_tokens", "Missing required parameter: 'max_tokens'.");
        JsonNode topK = root.get("top_k");
        if (topK != null && !topK.isNull() && (!topK.isIntegralNumber() || topK.longValue() < 0)) {
            throw GatewayError.invalid("top_k", "'top_k' must be a non-negative integer.");
        }
        GenerationParams params = new GenerationParams(
                JsonFields.number(root, "temperature", 0, 1),
                JsonFields.number(root, "top_p", 0, 1),
                maxTokens,
                stopSequences(root.get("stop_sequences")),
                null, null, null, null,
                effort(root.get("thinking"), root.get("output_config")));
        List<Tool> tools = tools(root.get("tools"));
        JsonNode choice = root.get("tool_choice");
        ToolChoice toolChoice = toolChoice(choice);
        Boolean parallel = null;
        JsonNode disableParallel = toolChoice == null ? null : choice.get("disable_parallel_tool_use");
        if (disableParallel != null && !disableParallel.isNull()) {
            parallel = !JsonFields.bool(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
        }
        return new ChatRequest(model, messages, tools, toolChoice, parallel, params,
                responseFormat(root.get("output_config"), root.get("output_format")),
                JsonFields.bool(root, "stream", "stream"), true, user(root.get("metadata")));
    }

    private static void system(JsonNode s, List<Message> out) {
        if (s == null || s.isNull()) return;
        if (s.isTextual()) {
            out.add(Message.text(Role.SYSTEM, s.textValue()));
            return;
        }
        if (!s.isArray()) throw GatewayError.invalid("system", "'system' must be a string or an array of text blocks.");
        for (int i = 0; i < s.size(); i++) {
            String at = "system[" + i + "]";
            JsonNode b = s.get(i);
            if (!b.isObject()) throw GatewayError.invalid(at, "'" + at + "' must be a text block object.");
            String type = requiredString(b, "type", at + ".type");
            if (!type.equals("text")) throw GatewayError.invalid(at + ".type", "'" + at + ".type' must be 'text', not '" + type + "'.");
            out.add(Message.text(Role.SYSTEM, requiredString(b, "text", at + ".text")));
        }
    }

    private static void message(JsonNode m, String at, List<Message> out) {
        if (!m.isObject()) throw GatewayError.invalid(at, "'" + at + "' must be an object.");
        String roleText = requiredString(m, "role", at + ".role");
        Role role = switch (roleText) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM; // a system message within the conversation
            default -> throw GatewayError.invalid(at + ".role", "'" + at + ".role' must be 'user', 'assistant' or 'system', not '" + roleText + "'.");
        };
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) throw GatewayError.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.");
        if (content.isTextual()) {
            out.add(Message.text(role, content.textValue()));
            return;
        }
        if (!content.isArray()) throw GatewayError.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content blocks.");
        List<ContentPart> parts = new ArrayList<>(content.size());
        List<Message> results = new ArrayList<>(0);
        for (int i = 0; i < content.size(); i++) {
            String bat = at + ".content[" + i + "]";
            JsonNode b = content.get(i);
            if (b.isObject() && "tool_result".equals(Json.str(b, "type"))) {
                if (role != Role.USER) throw GatewayError.invalid(bat + ".type", "'" + bat + "': tool_result blocks belong in user messages.");
                ContentPart.ToolResult r = toolResult(b, bat);
                results.add(new Message(Role.TOOL, List.of(r), null));
            } else {
                block(b, bat, parts);
            }
        }
        out.addAll(results);
        if (!parts.isEmpty() || results.isEmpty()) out.add(new Message(role, parts, null));
    }

    /** Adds the canonical part(s) of one block; blocks with no canonical form add none. */
    private static void block(JsonNode b, String at, List<ContentPart> out) {
        if (!b.isObject()) throw GatewayError.invalid(at, "'" + at + "' must be a content block object.");
        String type = requiredString(b, "type", at + ".type");
        switch (type) {
            case "text" -> out.add(new ContentPart.Text(requiredString(b, "text", at + ".text")));
            case "image" -> out.add(image(source(b, at), at + ".source"));
            case "document" -> document(b, at, out);
            case "tool_use" -> {
                JsonNode input = b.get("input");
                if (input == null || !input.isObject()) throw GatewayError.invalid(at + ".input", "'" + at + ".input' must be an object.");
                out.add(new ContentPart.ToolCall(requiredString(b, "id", at + ".id"), requiredString(b, "name", at + ".name"), Json.text(input)));
            }
            case "thinking" -> out.add(new ContentPart.Reasoning(requiredString(b, "thinking", at + ".thinking"),
                    JsonFields.optionalString(b, "signature", at + ".signature"), false));
            case "redacted_thinking" -> out.add(new ContentPart.Reasoning(null, requiredString(b, "data", at + ".data"), true));
            default -> { } // server tool blocks, search results and newer types: native passthrough only
        }
    }

    private static JsonNode source(JsonNode b, String at) {
        JsonNode s = b.get("source");
        if (s == null || !s.isObject()) throw GatewayError.invalid(at + ".source", "'" + at + ".source' must be an object.");
        return s;
    }

    private static ContentPart image(JsonNode s, String at) {
        String type = requiredString(s, "type", at + ".type");
        return switch (type) {
            case "base64" -> new ContentPart.Image(null, requiredString(s, "media_type", at + ".media_type"),
                    requiredString(s, "data", at + ".data"), null);
            case "url" -> new ContentPart.Image(requiredString(s, "url", at + ".url"), null, null, null);
            case "file" -> new ContentPart.File(requiredString(s, "file_id", at + ".file_id"), null, null, null);
            default -> throw GatewayError.invalid(at + ".type", "'" + at + ".type' must be 'base64', 'url' or 'file', not '" + type + "'.");
        };
    }

    private static void document(JsonNode b, String at, List<ContentPart> out) {
        JsonNode s = source(b, at);
        String sat = at + ".source";
        String title = JsonFields.optionalString(b, "title", at + ".title");
        String type = requiredString(s, "type", sat + ".type");
        switch (type) {
            case "base64" -> out.add(new ContentPart.File(null, title, requiredString(s, "media_type", sat + ".media_type"),
                    requiredString(s, "data", sat + ".data")));
            case "text" -> {
                String mediaType = JsonFields.optionalString(s, "media_type", sat + ".media_type");
                String data = requiredString(s, "data", sat + ".data");
                out.add(new ContentPart.File(null, title, mediaType == null ? "text/plain" : mediaType,
                        Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))));
            }
            case "content" -> {
                JsonNode c = s.get("content");
                if (c != null && c.isTextual()) {
                    out.add(new ContentPart.Text(c.textValue()));
                } else if (c != null && c.isArray()) {
                    for (int i = 0; i < c.size(); i++) block(c.get(i), sat + ".content[" + i + "]", out);
                } else {
                    throw GatewayError.invalid(sat + ".content", "'" + sat + ".content' must be a string or an array of content blocks.");
                }
            }
            case "file" -> out.add(new ContentPart.File(requiredString(s, "file_id", sat + ".file_id"), title, null, null));
            case "url" -> requiredString(s, "url", sat + ".url"); // fetched by Anthropic itself: native passthrough only
            default -> throw GatewayError.invalid(sat + ".type",
                    "'" + sat + ".type' must be 'base64', 'text', 'content', 'url' or 'file', not '" + type + "'.");
        }
    }

    private static ContentPart.ToolResult toolResult(JsonNode b, String at) {
        String id = requiredString(b, "tool_use_id", at + ".tool_use_id");
        List<ContentPart> parts = new ArrayList<>();
        JsonNode c = b.get("content");
        if (c == null || c.isNull()) {
            // a result with no content is allowed: the call's success is the answer
        } else if (c.isTextual()) {
            parts.add(new ContentPart.Text(c.textValue()));
        } else if (c.isArray()) {
            for (int i = 0; i < c.size(); i++) block(c.get(i), at + ".content[" + i + "]", parts);
        } else {
            throw GatewayError.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content blocks.");
        }
        return new ContentPart.ToolResult(id, parts, JsonFields.bool(b, "is_error", at + ".is_error"));
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) return List.of();
        if (!tools.isArray()) throw GatewayError.invalid("tools", "'tools' must be an array.");
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) throw GatewayError.invalid(at, "'" + at + "' must be an object.");
            String type = JsonFields.optionalString(t, "type", at + ".type");
            if (type != null && !type.equals("custom")) {
                requiredString(t, "name", at + ".name");
                continue; // a server or versioned built-in tool (web_search_…, bash_…): native passthrough only
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || schema.isNull()) throw GatewayError.invalid(at + ".input_schema", "Missing required parameter: '" + at + ".input_schema'.");
            if (!schema.isObject()) throw GatewayError.invalid(at + ".input_schema", "'" + at + ".input_schema' must be a JSON schema object.");
            JsonNode strict = t.get("strict");
            out.add(new Tool(requiredString(t, "name", at + ".name"), JsonFields.optionalString(t, "description", at + ".description"), schema,
                    strict != null && strict.isBoolean() ? strict.booleanValue() : null));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) return null;
        if (!c.isObject()) throw GatewayError.invalid("tool_choice", "'tool_choice' must be an object.");
        String type = requiredString(c, "type", "tool_choice.type");
        return switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> new ToolChoice.Named(requiredString(c, "name", "tool_choice.name"));
            default -> throw GatewayError.invalid("tool_choice.type",
                    "'tool_choice.type' must be 'auto', 'any', 'tool' or 'none', not '" + type + "'.");
        };
    }

    /** {@code thinking.budget_tokens} → effort by {@link ReasoningBudget}; {@code output_config.effort} wins where given. */
    private static String effort(JsonNode thinking, JsonNode outputConfig) {
        String effort = null;
        if (thinking != null && !thinking.isNull()) {
            if (!thinking.isObject()) throw GatewayError.invalid("thinking", "'thinking' must be an object.");
            String type = requiredString(thinking, "type", "thinking.type");
            switch (type) {
                case "enabled" -> {
                    JsonNode budget = thinking.get("budget_tokens");
                    if (budget == null || budget.isNull()) {
                        throw GatewayError.invalid("thinking.budget_tokens", "Missing required parameter: 'thinking.budget_tokens'.");
                    }
                    if (!budget.isIntegralNumber() || !budget.canConvertToLong() || budget.longValue() < ReasoningBudget.LOW) {
                        throw GatewayError.invalid("thinking.budget_tokens",
                                "'thinking.budget_tokens' must be an integer of at least " + ReasoningBudget.LOW + ".");
                    }
                    effort = ReasoningBudget.effortFor(budget.longValue());
                }
                default -> { } // disabled, adaptive, between_tools and newer modes: no budget, the provider's own default
            }
        }
        if (outputConfig != null && !outputConfig.isNull()) {
            if (!outputConfig.isObject()) throw GatewayError.invalid("output_config", "'output_config' must be an object.");
            String given = JsonFields.optionalString(outputConfig, "effort", "output_config.effort");
            if (given != null) effort = given.equals("max") ? "high" : given;
        }
        return effort;
    }

    /**
     * Structured output: {@code output_config.format} (or the older top-level {@code output_format})
     * {@code {"type":"json_schema","schema":{…}}} → a strict JSON schema answer.
     */
    private static ResponseFormat responseFormat(JsonNode outputConfig, JsonNode outputFormat) {
        JsonNode format = outputConfig != null && outputConfig.isObject() ? outputConfig.get("format") : null;
        String at = "output_config.format";
        if (format == null || format.isNull()) {
            format = outputFormat;
            at = "output_format";
        }
        if (format == null || format.isNull()) return null;
        if (!format.isObject()) throw GatewayError.invalid(at, "'" + at + "' must be an object.");
        String type = requiredString(format, "type", at + ".type");
        if (!type.equals("json_schema")) return null; // a newer format: native passthrough only
        JsonNode schema = format.get("schema");
        if (schema == null || !schema.isObject()) throw GatewayError.invalid(at + ".schema", "'" + at + ".schema' must be a JSON schema object.");
        return new ResponseFormat.JsonSchema("output", schema, true);
    }

    private static String user(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) return null;
        if (!metadata.isObject()) throw GatewayError.invalid("metadata", "'metadata' must be an object.");
        return JsonFields.optionalString(metadata, "user_id", "metadata.user_id");
    }

    private static List<String> stopSequences(JsonNode s) {
        if (s == null || s.isNull()) return List.of();
        if (!s.isArray()) throw GatewayError.invalid("stop_sequences", "'stop_sequences' must be an array of strings.");
        List<String> out = new ArrayList<>(s.size());
        for (JsonNode e : s) {
            if (!e.isTextual()) throw GatewayError.invalid("stop_sequences", "'stop_sequences' must be an array of strings.");
            out.add(e.textValue());
        }
        return out;
    }

    // ------------------------------------------------------------------ field checks

    static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.invalid(param, "Missing required parameter: '" + param + "'.");
        if (!v.isTextual()) throw GatewayError.invalid(param, "'" + param + "' must be a string.");
        return v.textValue();
    }

    private static Integer nonNegativeInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > Integer.MAX_VALUE) {
            throw GatewayError.invalid(field, "'" + field + "' must be a non-negative integer.");
        }
        return v.intValue();
    }

}
