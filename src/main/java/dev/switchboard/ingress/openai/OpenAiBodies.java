package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.ingress.JsonBodies;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.pipeline.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Reading request bodies and writing the routing headers, shared by the OpenAI endpoints. */
public final class OpenAiBodies {

    private OpenAiBodies() {}

    public static JsonNode parse(RoutingContext ctx) {
        return JsonBodies.object(ctx);
    }

    /**
     * A key's {@code systemPrompt} becomes the first message of every request made with it, ahead
     * of the client's own system message if any. A body without a {@code messages} array is left
     * for the decoder to refuse.
     */
    static void prependSystemPrompt(JsonNode root, Principal principal) {
        if (principal.admin() || principal.key().systemPrompt() == null) return;
        if (root.get("messages") instanceof ArrayNode messages) {
            messages.insertObject(0).put("role", "system").put("content", principal.key().systemPrompt());
        }
    }

    /** {@code x-switchboard-*} routing headers and the provider's pass-back headers, before the head is written. */
    static void routingHeaders(HttpServerResponse resp, Exchange ex, String upstreamModel, MultiMap passBack) {
        RoutingHeaders.write(resp, ex, upstreamModel, passBack);
    }
}
