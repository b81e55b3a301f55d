package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Plain text, any JSON object, or JSON that follows a schema. */
public sealed interface ResponseFormat {
    record Text() implements ResponseFormat {}
    record JsonObject() implements ResponseFormat {}
    record JsonSchema(String name, JsonNode schema, Boolean strict) implements ResponseFormat {}
}
