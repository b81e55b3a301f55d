package dev.switchboard.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;

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
}
