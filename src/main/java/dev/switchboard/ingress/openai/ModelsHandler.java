package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.error.GatewayError;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the public models this key may call. */
public final class ModelsHandler {

    private ModelsHandler() {}

    public static void list(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ConfigSnapshot s = ex.snapshot();
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (String name : new TreeSet<>(s.models().keySet())) {
            if (ex.principal().mayUse(name) && !s.models().get(name).deployments().isEmpty()) data.add(model(name, s));
        }
        ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(Json.buffer(out));
    }

    public static void get(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        String id = ctx.pathParam("id");
        ConfigSnapshot s = ex.snapshot();
        Principal p = ex.principal();
        if (id == null || !s.models().containsKey(id) || s.models().get(id).deployments().isEmpty()) {
            throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + id + "' does not exist.", "model", -1, false);
        }
        if (!p.mayUse(id)) {
            throw new GatewayError(ErrorKind.MODEL_NOT_ALLOWED, "This API key may not use the model '" + id + "'.", "model", -1, false);
        }
        ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(Json.buffer(model(id, s)));
    }

    private static ObjectNode model(String name, ConfigSnapshot s) {
        ObjectNode m = Json.object();
        m.put("id", name);
        m.put("object", "model");
        m.put("created", s.builtAt().getEpochSecond());
        m.put("owned_by", "switchboard");
        return m;
    }
}
