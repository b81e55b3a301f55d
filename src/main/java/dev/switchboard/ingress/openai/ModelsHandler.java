package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.GatewayError;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.http.QueryParams;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Policy;
import dev.switchboard.transport.Bodies;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the public models this key may call.
 * In OpenAI's shape, or in Anthropic's when the request carries {@code anthropic-version} (as
 * Anthropic's SDKs send on every call): {@code {"type":"model","id","display_name","created_at"}},
 * the list paged by {@code limit} (default 20, at most 1000), {@code after_id} and
 * {@code before_id} with {@code has_more}, {@code first_id} and {@code last_id}.
 */
public final class ModelsHandler {

    private static final String ANTHROPIC_VERSION = "anthropic-version";
    /**
     * A public model has no creation date of its own (its pool changes under it): one fixed
     * instant keeps {@code created} the same across config changes, restarts and instances, so
     * clients that cache on it do not churn.
     */
    static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");

    private ModelsHandler() {}

    public static void list(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        List<String> names = Policy.callableModels(ex);
        ObjectNode out = Json.object();
        if (anthropic(ctx)) {
            anthropicPage(ctx, names, out);
        } else {
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            for (String name : names) data.add(model(name));
        }
        Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Json.buffer(out));
    }

    /** Anthropic's page: {@code limit} models after {@code after_id}, or the last ones before {@code before_id}. */
    private static void anthropicPage(RoutingContext ctx, List<String> names, ObjectNode out) {
        int limit = QueryParams.bounded(ctx, "limit", 20, 1, 1000);
        String after = ctx.request().getParam("after_id");
        String before = ctx.request().getParam("before_id");
        int from = 0;
        int to = names.size();
        if (before != null) {
            to = position(names, before);
            from = Math.max(0, to - limit);
        } else {
            if (after != null) from = Math.min(names.size(), position(names, after) + 1);
            to = Math.min(names.size(), from + limit);
        }
        ArrayNode data = out.putArray("data");
        for (String name : names.subList(from, to)) data.add(anthropicModel(name));
        out.put("has_more", before != null ? from > 0 : to < names.size());
        if (from < to) {
            out.put("first_id", names.get(from));
            out.put("last_id", names.get(to - 1));
        } else {
            out.putNull("first_id");
            out.putNull("last_id");
        }
    }

    /** Where {@code id} stands in the sorted names, or where it would. */
    private static int position(List<String> names, String id) {
        int i = Collections.binarySearch(names, id);
        return i >= 0 ? i : -i - 1;
    }

    private static boolean anthropic(RoutingContext ctx) {
        return ctx.request().headers().contains(ANTHROPIC_VERSION);
    }

    public static void get(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        String id = ctx.pathParam("id");
        Principal p = ex.principal();
        if (id == null || !Policy.servable(ex, id)) {
            var pool = id == null ? null : ex.snapshot().models().get(id);
            if (pool != null && !pool.deployments().isEmpty()) {
                // it exists, unpriced, and the caller has a budget: left out of its models, as the list leaves it, saying why
                throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + id
                        + "' has no price, and this API key (or its team) has a budget: it is not among the key's models.", "model", -1, false);
            }
            throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + id + "' does not exist.", "model", -1, false);
        }
        if (!p.mayUse(id)) {
            throw new GatewayError(ErrorKind.MODEL_NOT_ALLOWED, "This API key may not use the model '" + id + "'.", "model", -1, false);
        }
        Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON),
                Json.buffer(anthropic(ctx) ? anthropicModel(id) : model(id)));
    }

    private static ObjectNode model(String name) {
        ObjectNode m = Json.object();
        m.put("id", name);
        m.put("object", "model");
        m.put("created", CREATED.getEpochSecond());
        m.put("owned_by", "switchboard");
        return m;
    }

    private static ObjectNode anthropicModel(String name) {
        ObjectNode m = Json.object();
        m.put("type", "model");
        m.put("id", name);
        m.put("display_name", name);
        m.put("created_at", CREATED.toString());
        m.put("lifecycle", "active");
        return m;
    }
}
