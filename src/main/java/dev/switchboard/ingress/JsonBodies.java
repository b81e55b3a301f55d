package dev.switchboard.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reading a client's request body, the same way for every inbound format. */
public final class JsonBodies {

    private JsonBodies() {}

    /** The body as a JSON object; an empty body, malformed JSON and invalid UTF-8 are 400s (rendered in the path's format). */
    public static ObjectNode object(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        if (b == null || b.length() == 0) throw GatewayError.invalid(null, "The request body is empty; send a JSON object.");
        JsonNode root;
        try {
            root = Json.parse(b.getBytes());
        } catch (IOException e) {
            throw GatewayError.invalid(null, "The request body is not valid JSON (it must be a UTF-8 JSON object).");
        }
        if (!(root instanceof ObjectNode object)) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        return object;
    }
}
