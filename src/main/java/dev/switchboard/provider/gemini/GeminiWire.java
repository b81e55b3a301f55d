package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The small facts of Gemini's wire format that its ingress codec and its provider adapter share:
 * field spelling, usage, finish reasons, status names and the thinking-budget mapping. Facts from
 * the Gemini API reference (ai.google.dev/api).
 *
 * <p><b>Spelling.</b> Google's JSON mapping accepts each field in lowerCamelCase and in its proto
 * snake_case name ({@code systemInstruction} and {@code system_instruction}), and a repeated field
 * given as a single object ({@code "parts": {"text": "hi"}}, as Google's own curl examples do).
 * Readers here accept all three; writers use lowerCamelCase and arrays.
 *
 * <p><b>Usage.</b> {@code promptTokenCount} already includes {@code cachedContentTokenCount};
 * {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}; tool-use prompt tokens are
 * counted apart. Canonical usage counts as OpenAI does (cached within input, reasoning within
 * output): input = prompt + toolUsePrompt, cached = cachedContent, output = candidates + thoughts,
 * reasoning = thoughts. Writing back reverses it: candidates = output − reasoning.
 */
public final class GeminiWire {

    private GeminiWire() {}

    /** {@code camel} or its snake_case spelling; null when absent or JSON null. */
    public static JsonNode field(JsonNode node, String camel) {
        if (node == null || !node.isObject()) return null;
        JsonNode v = node.get(camel);
        if (v == null || v.isNull()) v = node.get(snake(camel));
        return v == null || v.isNull() ? null : v;
    }

    /** The text at {@code camel} (either spelling), or null when absent or not a string. */
    public static String text(JsonNode node, String camel) {
        JsonNode v = field(node, camel);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** The elements of a repeated field: an array's, a single object alone, or none. */
    public static List<JsonNode> items(JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        if (node.isArray()) {
            java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>(node.size());
            node.forEach(out::add);
            return out;
        }
        return List.of(node);
    }

    static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) out.append('_').append(Character.toLowerCase(c));
            else out.append(c);
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ usage

    /** Canonical usage from {@code usageMetadata}, or null when there is none. */
    public static Usage usage(JsonNode m) {
        if (m == null || !m.isObject()) return null;
        long prompt = count(m, "promptTokenCount") + count(m, "toolUsePromptTokenCount");
        long thoughts = count(m, "thoughtsTokenCount");
        return new Usage(prompt, count(m, "candidatesTokenCount") + thoughts, count(m, "cachedContentTokenCount"), 0, thoughts, false);
    }

    /** Whether {@code usageMetadata} carries final counts: streams send partial ones on early chunks. */
    public static boolean hasCounts(JsonNode m) {
        return m != null && m.isObject() && field(m, "promptTokenCount") != null;
    }

    public static ObjectNode usageMetadata(Usage u) {
        ObjectNode out = Json.object();
        out.put("promptTokenCount", u.inputTokens());
        out.put("candidatesTokenCount", Math.max(0, u.outputTokens() - u.reasoningTokens()));
        out.put("totalTokenCount", u.totalTokens());
        if (u.cachedInputTokens() > 0) out.put("cachedContentTokenCount", u.cachedInputTokens());
        if (u.reasoningTokens() > 0) out.put("thoughtsTokenCount", u.reasoningTokens());
        return out;
    }

    private static long count(JsonNode m, String name) {
        JsonNode v = field(m, name);
        return v != null && v.canConvertToLong() ? v.asLong() : 0;
    }

    // ------------------------------------------------------------------ finish reasons

    /**
     * A candidate's {@code finishReason} in canonical terms. Gemini says {@code STOP} after a
     * function call too, so {@code calledTools} turns that into {@link FinishReason#TOOL_CALLS}.
     * Every blocking reason is a content filter; the malformed-call family and {@code OTHER} are
     * errors. Null (the candidate has not finished) stays null.
     */
    public static FinishReason finishReason(String gemini, boolean calledTools) {
        if (gemini == null) return null;
        return switch (gemini) {
            case "STOP" -> calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
                 "IMAGE_RECITATION", "MODEL_ARMOR", "LANGUAGE" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.ERROR; // OTHER, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, FINISH_REASON_UNSPECIFIED, …
        };
    }

    public static String finishReason(FinishReason r) {
        if (r == null) return null;
        return switch (r) {
            case STOP, TOOL_CALLS -> "STOP";
            case LENGTH -> "MAX_TOKENS";
            case CONTENT_FILTER -> "SAFETY";
            case ERROR -> "OTHER";
        };
    }

    // ------------------------------------------------------------------ status names

    /** The google.rpc status name Google pairs with an HTTP status. */
    public static String status(int http) {
        return switch (http) {
            case 400, 413 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405 -> "UNIMPLEMENTED";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 502, 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> http >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    // ------------------------------------------------------------------ thinking

    private static final Map<String, Integer> BUDGETS = Map.of(
            "none", 0, "minimal", 512, "low", 1024, "medium", 8192, "high", 24576, "xhigh", 24576);

    /** The thinking budget for a canonical reasoning effort, or null for an effort Gemini has no budget for. */
    public static Integer thinkingBudget(String effort) {
        return effort == null ? null : BUDGETS.get(effort.toLowerCase(Locale.ROOT));
    }

    /**
     * The canonical effort for a thinking budget: 0 is {@code none}, up to 1024 {@code low}, up to
     * 8192 {@code medium}, above that {@code high}; -1 (dynamic: the model decides) is no effort at all.
     */
    public static String reasoningEffort(long budget) {
        if (budget < 0) return null;
        if (budget == 0) return "none";
        if (budget <= 1024) return "low";
        if (budget <= 8192) return "medium";
        return "high";
    }

    // ------------------------------------------------------------------ schemas

    /**
     * A Gemini {@code Schema} (OpenAPI 3.0 subset) as JSON Schema, copied: types in lower case
     * ({@code OBJECT} → {@code object}); {@code nullable: true} as a type that also takes null;
     * counts the Gemini SDKs send as strings ({@code minItems: "1"}) as integers; and Gemini's own
     * keywords ({@code propertyOrdering}, {@code format: "enum"}) left out, as JSON Schema has
     * neither. Sub-schemas are found by structure ({@code properties}, {@code items},
     * {@code anyOf}, …), so a property named like a keyword is left alone.
     */
    public static JsonNode jsonSchema(JsonNode schema) {
        if (schema == null) return null;
        return convert(schema);
    }

    private static JsonNode convert(JsonNode node) {
        if (!node.isObject()) return node.deepCopy();
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            // the Python SDK writes a Schema's keywords in snake_case (any_of, min_items, property_ordering)
            String key = SNAKE_KEYWORDS.getOrDefault(e.getKey(), e.getKey());
            JsonNode v = e.getValue();
            switch (key) {
                case "type" -> out.set(key, v.isTextual() && isUpperType(v.textValue()) ? TextNode.valueOf(v.textValue().toLowerCase(Locale.ROOT)) : v.deepCopy());
                case "properties" -> {
                    if (v.isObject()) {
                        ObjectNode props = out.putObject(key);
                        for (Map.Entry<String, JsonNode> p : v.properties()) props.set(p.getKey(), convert(p.getValue()));
                    } else {
                        out.set(key, v.deepCopy());
                    }
                }
                case "items", "not", "additionalProperties" -> out.set(key, convert(v));
                case "anyOf", "oneOf", "allOf", "prefixItems" -> {
                    if (v.isArray()) {
                        ArrayNode list = out.putArray(key);
                        for (JsonNode sub : v) list.add(convert(sub));
                    } else {
                        out.set(key, v.deepCopy());
                    }
                }
                case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties" ->
                        out.set(key, v.isTextual() && v.textValue().matches("\\d{1,18}") ? Json.NODES.numberNode(Long.parseLong(v.textValue())) : v.deepCopy());
                case "nullable", "propertyOrdering" -> { }
                case "format" -> {
                    if (!"enum".equals(v.asText())) out.set(key, v.deepCopy());
                }
                default -> out.set(key, v.deepCopy());
            }
        }
        if (node.path("nullable").asBoolean(false)) {
            JsonNode type = out.get("type");
            if (type != null && type.isTextual() && !type.textValue().equals("null")) {
                out.putArray("type").add(type.textValue()).add("null");
                // an enum lists every value the schema takes: null too, or it is never valid
                if (out.get("enum") instanceof ArrayNode values) {
                    boolean hasNull = false;
                    for (JsonNode v : values) hasNull |= v.isNull();
                    if (!hasNull) values.addNull();
                }
            } else if (out.get("anyOf") instanceof ArrayNode any) {
                any.addObject().put("type", "null");
            }
        }
        return out;
    }

    /** The snake_case spellings of the multi-word Schema keywords, to their camelCase. */
    private static final Map<String, String> SNAKE_KEYWORDS = java.util.stream.Stream.of(
                    "anyOf", "oneOf", "allOf", "prefixItems", "additionalProperties", "propertyOrdering",
                    "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties")
            .collect(java.util.stream.Collectors.toUnmodifiableMap(GeminiWire::snake, k -> k));

    private static boolean isUpperType(String t) {
        return switch (t) {
            case "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL" -> true;
            default -> false;
        };
    }
}
