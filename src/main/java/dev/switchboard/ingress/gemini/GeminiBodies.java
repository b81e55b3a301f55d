package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonBodies;
import io.vertx.ext.web.RoutingContext;

/** Reading Gemini request bodies and paths, and writing the routing headers, shared by the /v1beta endpoints. */
final class GeminiBodies {

    private GeminiBodies() {}

    /** The model named by the path ({@code /v1beta/models/{model}:…}); a {@code models/} prefix is tolerated. */
    static String model(RoutingContext ctx) {
        String m = ctx.pathParam("model");
        if (m != null && m.startsWith("models/")) m = m.substring("models/".length());
        if (m == null || m.isBlank()) throw GatewayError.invalid("model", "The path must name a model: /v1beta/models/{model}:….");
        return m;
    }

    static ObjectNode parse(RoutingContext ctx) {
        return JsonBodies.object(ctx);
    }

    /**
     * A key's {@code systemPrompt} goes first in the request's {@code systemInstruction} (made when
     * absent), ahead of the client's own instruction, in whichever spelling the client used.
     */
    static void prependSystemPrompt(ObjectNode root, Principal principal) {
        if (principal.admin() || principal.key().systemPrompt() == null) return;
        String field = root.has("system_instruction") && !root.has("systemInstruction") ? "system_instruction" : "systemInstruction";
        JsonNode existing = root.get(field);
        ObjectNode instruction = existing instanceof ObjectNode o ? o : root.putObject(field);
        JsonNode parts = instruction.get("parts");
        ArrayNode list;
        if (parts instanceof ArrayNode a) {
            list = a;
        } else {
            list = instruction.putArray("parts");
            if (parts != null && parts.isObject()) list.add(parts);
        }
        list.insertObject(0).put("text", principal.key().systemPrompt());
    }
}
