package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.QueryParams;
import dev.switchboard.http.SseResponse;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.ResponseStore;
import dev.switchboard.pipeline.StoredResponse;
import dev.switchboard.store.StoreException;
import dev.switchboard.transport.Bodies;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * {@code GET} and {@code DELETE /v1/responses/{id}} and {@code GET /v1/responses/{id}/input_items}.
 * A response is visible only to the key that made it and to the master key; to any other key it
 * does not exist (404 {@code not_found}, the same answer as for an unknown id).
 */
public final class StoredResponses {

    private final ResponseStore store;

    public StoredResponses(ResponseStore store) {
        this.store = store;
    }

    /**
     * The stored response; with {@code stream=true}, told again as its stream of events
     * ({@link ResponsesReplay}), from after {@code starting_after} when given.
     */
    public void get(RoutingContext ctx) {
        boolean stream = QueryParams.bool(ctx, "stream", false);
        int startingAfter = QueryParams.bounded(ctx, "starting_after", -1, -1, Integer.MAX_VALUE);
        visible(ctx).onComplete(Answer.then(ctx, r -> {
            if (!stream) {
                Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), r.body());
                return;
            }
            SseResponse.headers(ctx.response(), SseResponse.EVENT_STREAM);
            Bodies.end(ctx.request(), ctx.response(), ResponsesReplay.of(object(r.body()), startingAfter));
        }));
    }

    public void delete(RoutingContext ctx) {
        visible(ctx).compose(r -> store.delete(r.id()).recover(StoredResponses::unavailable).map(r))
                .onComplete(Answer.then(ctx, r -> {
                    ObjectNode out = Json.object().put("id", r.id()).put("object", "response.deleted").put("deleted", true);
                    Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Json.buffer(out));
                }));
    }

    /**
     * The input items, OpenAI's list shape: {@code order} {@code desc} (the default) or
     * {@code asc}, {@code limit} 1 to 100 (default 20), {@code after} an item id to start after.
     */
    public void inputItems(RoutingContext ctx) {
        String order = ctx.queryParams().get("order") == null ? "desc" : ctx.queryParams().get("order");
        if (!order.equals("asc") && !order.equals("desc")) throw GatewayError.invalid("order", "'order' must be asc or desc.");
        int limit = QueryParams.bounded(ctx, "limit", 20, 1, 100);
        String after = ctx.queryParams().get("after");
        int max = limit;
        visible(ctx).onComplete(Answer.then(ctx, r -> {
            ArrayNode items = array(r.input());
            ArrayNode ordered = Json.NODES.arrayNode();
            for (int i = 0; i < items.size(); i++) ordered.add(items.get(order.equals("asc") ? i : items.size() - 1 - i));
            int start = 0;
            if (after != null) {
                for (int i = 0; i < ordered.size(); i++) if (after.equals(Json.str(ordered.get(i), "id"))) start = i + 1;
            }
            ObjectNode out = Json.object().put("object", "list");
            ArrayNode data = out.putArray("data");
            for (int i = start; i < ordered.size() && data.size() < max; i++) data.add(ordered.get(i));
            if (data.isEmpty()) {
                out.putNull("first_id");
                out.putNull("last_id");
            } else {
                out.set("first_id", data.get(0).get("id"));
                out.set("last_id", data.get(data.size() - 1).get("id"));
            }
            out.put("has_more", start + data.size() < ordered.size());
            Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Json.buffer(out));
        }));
    }

    private Future<StoredResponse> visible(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        var who = Exchange.of(ctx).principal();
        return lookup(store, id).map(found -> found.filter(r -> r.visibleTo(who.admin(), ResponsesHandler.keyId(who)))
                .orElseThrow(() -> GatewayError.of(ErrorKind.NOT_FOUND, "Response with id '" + id + "' not found.")));
    }

    /** {@link ResponseStore#find}, with a store that cannot answer turned into 503 {@code service_unavailable}. */
    static Future<Optional<StoredResponse>> lookup(ResponseStore store, String id) {
        return store.find(id).recover(StoredResponses::unavailable);
    }

    private static <T> Future<T> unavailable(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof StoreException) {
            return Future.failedFuture(GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE, "The response store is unavailable; try again shortly."));
        }
        return Future.failedFuture(cause);
    }

    static ArrayNode array(String json) {
        JsonNode node = parse(json);
        return node instanceof ArrayNode a ? a : Json.NODES.arrayNode();
    }

    static ObjectNode object(String json) {
        JsonNode node = parse(json);
        return node instanceof ObjectNode o ? o : Json.object();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException("a stored response is not valid JSON: " + e.getMessage(), e);
        }
    }
}
