package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A function the model may call; {@code parameters} is its JSON schema, kept as a tree. */
public record Tool(String name, String description, JsonNode parameters, Boolean strict) {}
