package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.QueryParams;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Policy;
import dev.switchboard.routing.ModelPool;
import dev.switchboard.transport.Bodies;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1beta/models} and {@code GET /v1beta/models/{model}}: the public models this key
 * may call, in Gemini's {@code Model} shape ({@code name: models/<public name>}). The list pages
 * with {@code pageSize} (default 50, at most 1000) and the {@code nextPageToken} it returns.
 */
public final class GeminiModelsHandler {

    private static final List<String> CHAT = List.of("generateContent", "streamGenerateContent", "countTokens");
    private static final List<String> EMBED = List.of("embedContent", "batchEmbedContents");

    private GeminiModelsHandler() {}

    public static void list(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ConfigSnapshot s = ex.snapshot();
        List<String> names = Policy.callableModels(ex);
        int size = QueryParams.bounded(ctx, "pageSize", 50, 1, 1000);
        int from = QueryParams.bounded(ctx, "pageToken", 0, 0, Integer.MAX_VALUE);
        ObjectNode out = Json.object();
        ArrayNode models = out.putArray("models");
        for (int i = from; i < Math.min(names.size(), from + size); i++) models.add(model(names.get(i), s.models().get(names.get(i))));
        if (from + size < names.size()) out.put("nextPageToken", Integer.toString(from + size));
        Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Json.buffer(out));
    }

    public static void get(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        String id = GeminiBodies.model(ctx);
        ConfigSnapshot s = ex.snapshot();
        if (!Policy.servable(ex, id)) {
            throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + id + "' does not exist.", "model", -1, false);
        }
        if (!ex.principal().mayUse(id)) {
            throw new GatewayError(ErrorKind.MODEL_NOT_ALLOWED, "This API key may not use the model '" + id + "'.", "model", -1, false);
        }
        Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Json.buffer(model(id, s.models().get(id))));
    }

    /** The embedding methods only where some deployment of the pool can embed. */
    private static ObjectNode model(String name, ModelPool pool) {
        ObjectNode m = Json.object();
        m.put("name", "models/" + name);
        m.put("baseModelId", name);
        m.put("version", "switchboard");
        m.put("displayName", name);
        m.put("description", "Public model '" + name + "' of this Switchboard gateway.");
        ArrayNode methods = m.putArray("supportedGenerationMethods");
        CHAT.forEach(methods::add);
        if (pool.deployments().stream().anyMatch(d -> d.provider().capabilities().embeddings())) EMBED.forEach(methods::add);
        return m;
    }
}
