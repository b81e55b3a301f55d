package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.GatewayError;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.transport.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

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

    /** The body as a JSON object; malformed JSON and invalid UTF-8 are 400s. */
    static ObjectNode parse(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        if (b == null || b.length() == 0) throw GatewayError.invalid(null, "The request body is empty; send a JSON object.");
        JsonNode root;
        try {
            root = Json.parse(b.getBytes());
        } catch (IOException e) {
            throw GatewayError.invalid(null, "The request body is not valid JSON (it must be a UTF-8 JSON object).");
        }
        if (!root.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        return (ObjectNode) root;
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

    /** {@code x-switchboard-*} routing headers and the provider's pass-back headers, before the head is written. */
    static void routingHeaders(HttpServerResponse resp, Exchange ex, String upstreamModel, MultiMap passBack) {
        if (!passBack.isEmpty()) resp.headers().addAll(passBack);
        resp.putHeader(PROVIDER, ex.deployment().provider().id());
        resp.putHeader(DEPLOYMENT, ex.deployment().id());
        resp.putHeader(UPSTREAM_MODEL, upstreamModel);
        resp.putHeader(ATTEMPTS, Integer.toString(ex.attempts()));
        resp.putHeader(CACHE, BYPASS); // no response cache yet: every answer comes from the provider
        String trace = ex.trace();
        if (trace != null) resp.putHeader(TRACE, trace);
    }

    private static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-switchboard-provider");
    private static final CharSequence DEPLOYMENT = HttpHeaders.createOptimized("x-switchboard-deployment");
    private static final CharSequence UPSTREAM_MODEL = HttpHeaders.createOptimized("x-switchboard-upstream-model");
    private static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-switchboard-attempts");
    private static final CharSequence TRACE = HttpHeaders.createOptimized("x-switchboard-trace");
    private static final CharSequence CACHE = HttpHeaders.createOptimized("x-switchboard-cache");
    private static final CharSequence BYPASS = HttpHeaders.createOptimized("bypass");
}
