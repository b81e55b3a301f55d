package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import java.util.Map;

/**
 * Builds a deterministic value that satisfies a JSON schema, for the simulator's tool-call
 * arguments and structured outputs. Rules, in order: {@code const}, the first {@code enum} value,
 * {@code default}, the first branch of {@code anyOf}/{@code oneOf}/{@code allOf}, local {@code $ref}s, then
 * by type: object → every property in order; array → {@code max(1, minItems)} samples of
 * {@code items}; string → by {@code format} (date, date-time, email, uri, uuid) else the property's
 * name (or "sample"), padded to {@code minLength}; integer → {@code minimum} rounded up, else 1
 * (or {@code maximum} when below 1); number → {@code minimum}, else 1.5 (or {@code maximum} when below);
 * boolean → true; null → null.
 */
public final class SchemaSampler {

    private static final int MAX_DEPTH = 8;

    private SchemaSampler() {}

    public static JsonNode sample(JsonNode schema) {
        return sample(schema, schema, null, 0);
    }

    private static JsonNode sample(JsonNode root, JsonNode s, String name, int depth) {
        if (s == null || !s.isObject() || depth > MAX_DEPTH) return Json.object();
        if (s.has("const")) return s.get("const");
        if (s.has("enum") && s.get("enum").isArray() && !s.get("enum").isEmpty()) return s.get("enum").get(0);
        if (s.has("default")) return s.get("default");
        for (String branch : new String[] {"anyOf", "oneOf", "allOf"}) {
            JsonNode b = s.get(branch);
            if (b != null && b.isArray() && !b.isEmpty()) {
                for (JsonNode option : b) {
                    if (!"null".equals(Json.str(option, "type"))) return sample(root, option, name, depth + 1);
                }
                return sample(root, b.get(0), name, depth + 1);
            }
        }
        String ref = Json.str(s, "$ref");
        if (ref != null && ref.startsWith("#/")) {
            JsonNode target = root.at(ref.substring(1));
            return target.isMissingNode() ? Json.object() : sample(root, target, name, depth + 1);
        }
        String type = type(s);
        return switch (type) {
            case "object" -> {
                ObjectNode out = Json.object();
                JsonNode props = s.get("properties");
                if (props != null && props.isObject()) {
                    for (Map.Entry<String, JsonNode> p : props.properties()) {
                        out.set(p.getKey(), sample(root, p.getValue(), p.getKey(), depth + 1));
                    }
                }
                yield out;
            }
            case "array" -> {
                ArrayNode out = Json.NODES.arrayNode();
                int n = Math.max(1, s.path("minItems").asInt(1));
                for (int i = 0; i < n; i++) out.add(sample(root, s.get("items"), name, depth + 1));
                yield out;
            }
            case "integer" -> Json.NODES.numberNode(integer(s));
            case "number" -> s.has("minimum") ? s.get("minimum")
                    : s.has("maximum") && s.get("maximum").asDouble() < 1.5 ? s.get("maximum") : Json.NODES.numberNode(new java.math.BigDecimal("1.5"));
            case "boolean" -> Json.NODES.booleanNode(true);
            case "null" -> Json.NODES.nullNode();
            default -> Json.NODES.textNode(padded(string(Json.str(s, "format"), name), s.path("minLength").asInt(0)));
        };
    }

    /** {@code minimum} rounded up, else 1 — or {@code maximum} when that is below 1. */
    private static long integer(JsonNode s) {
        if (s.has("minimum")) return (long) Math.ceil(s.get("minimum").asDouble());
        if (s.has("maximum") && s.get("maximum").asDouble() < 1) return (long) Math.floor(s.get("maximum").asDouble());
        return 1L;
    }

    private static String padded(String v, int minLength) {
        return v.length() >= minLength ? v : v + "x".repeat(minLength - v.length());
    }

    private static String type(JsonNode s) {
        JsonNode t = s.get("type");
        if (t != null && t.isTextual()) return t.textValue();
        if (t != null && t.isArray()) {
            boolean onlyNull = !t.isEmpty();
            for (JsonNode e : t) {
                if (e.isTextual() && !e.textValue().equals("null")) return e.textValue();
                onlyNull &= e.isTextual();
            }
            if (onlyNull) return "null"; // ["null"]: null is the one value allowed
        }
        if (s.has("properties")) return "object";
        if (s.has("items")) return "array";
        return "string";
    }

    private static String string(String format, String name) {
        if (format != null) {
            switch (format) {
                case "date": return "2025-01-01";
                case "date-time": return "2025-01-01T00:00:00Z";
                case "email": return "user@example.com";
                case "uri", "url": return "https://example.com";
                case "uuid": return "00000000-0000-4000-8000-000000000000";
                default: break;
            }
        }
        return name != null ? name : "sample";
    }
}
