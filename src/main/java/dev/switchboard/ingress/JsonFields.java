package dev.switchboard.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.Tool;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed reads of optional request fields for every ingress decoder: absent or null is null (or
 * false), a value of the wrong type or out of range is a 400 whose {@code param} names the field.
 */
public final class JsonFields {

    private JsonFields() {}

    public static String optionalString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw GatewayError.invalid(param, "'" + param + "' must be a string.");
        return v.textValue();
    }

    public static Double number(JsonNode node, String field, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw GatewayError.invalid(field, "'" + field + "' must be a number.");
        double d = v.doubleValue();
        if (d < min || d > max) throw GatewayError.invalid(field, "'" + field + "' must be between " + (int) min + " and " + (int) max + ".");
        return d;
    }

    public static boolean bool(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw GatewayError.invalid(param, "'" + param + "' must be a boolean.");
        return v.booleanValue();
    }

    /** The reasoning efforts OpenAI's formats take ({@code reasoning_effort}, {@code reasoning.effort}). */
    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh", "max");

    /** A reasoning effort: absent or null is null; another string than OpenAI's values is a 400 naming {@code param}. */
    public static String reasoningEffort(JsonNode node, String field, String param) {
        String effort = optionalString(node, field, param);
        if (effort != null && !EFFORTS.contains(effort)) {
            throw GatewayError.invalid(param, "Invalid '" + param + "': '" + effort + "'; use none, minimal, low, medium, high, xhigh or max.");
        }
        return effort;
    }

    /**
     * OpenAI's {@code metadata}: absent, null, or an object of at most 16 string values, keys of at
     * most 64 characters and values of at most 512; else a 400 naming the member.
     */
    public static void metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) return;
        if (!metadata.isObject()) throw GatewayError.invalid("metadata", "'metadata' must be an object.");
        if (metadata.size() > 16) throw GatewayError.invalid("metadata", "'metadata' may hold at most 16 pairs.");
        for (var e : metadata.properties()) {
            String at = "metadata." + e.getKey();
            if (e.getKey().length() > 64) throw GatewayError.invalid(at, "A 'metadata' key may be at most 64 characters.");
            if (!e.getValue().isTextual()) throw GatewayError.invalid(at, "'" + at + "' must be a string.");
            if (e.getValue().textValue().length() > 512) throw GatewayError.invalid(at, "A 'metadata' value may be at most 512 characters.");
        }
    }

    /**
     * A function definition as OpenAI's formats spell it — {@code description}, {@code parameters}
     * (a JSON schema object) and {@code strict} — found at {@code at} (for error params), with its
     * already-read {@code name}.
     */
    public static Tool functionTool(JsonNode def, String at, String name) {
        JsonNode params = def.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw GatewayError.invalid(at + ".parameters", "'parameters' must be a JSON schema object.");
        }
        JsonNode strict = def.get("strict");
        return new Tool(name, Json.str(def, "description"), params == null || params.isNull() ? null : params,
                strict != null && strict.isBoolean() ? strict.booleanValue() : null);
    }

    /**
     * The tools an {@code allowed_tools} tool choice lets the model call, in their order in
     * {@code tools}: each entry of {@code allowed} names a function ({@code function.name} in Chat
     * Completions, {@code name} in the Responses API). A format without the restriction gets only
     * those tools, which is what the restriction means; an entry naming no tool is passed over,
     * and when none is left the tools stay as they were, for the provider to judge.
     */
    public static List<Tool> allowedTools(List<Tool> tools, JsonNode allowed) {
        Set<String> names = new HashSet<>();
        for (JsonNode t : allowed) {
            String name = t.path("function").path("name").asText(t.path("name").asText(null));
            if (name != null) names.add(name);
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (Tool t : tools) if (names.contains(t.name())) out.add(t);
        return out.isEmpty() ? tools : List.copyOf(out);
    }
}
