package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.SseResponse;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.ingress.openai.OpenAiBodies;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.ResponseStore;
import dev.switchboard.pipeline.Settle;
import dev.switchboard.pipeline.StoredResponse;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code POST /v1/responses}: decode, continue a stored conversation when the request names
 * {@code previous_response_id} (the one store read a request may make, through the
 * {@link ResponseStore}'s cache, off the event loop), dispatch through the canonical model, and
 * answer a response object or its event stream. With {@code store} (the default) the answer is
 * kept: in this instance's cache before the client has it, in the database shortly after.
 */
public final class ResponsesHandler implements Handler<RoutingContext> {


    private final Vertx vertx;
    private final Dispatch dispatch;
    private final ResponseStore store;
    private final Clock clock;
    private final long pingMs;

    public ResponsesHandler(Vertx vertx, Dispatch dispatch, ResponseStore store, Clock clock, long pingMs) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.store = store;
        this.clock = clock;
        this.pingMs = pingMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        JsonNode root = OpenAiBodies.parse(ctx);
        ResponsesRequest req = ResponsesDecoder.decode(root);
        Principal who = ex.principal();
        context(req, who).compose(items -> {
            ChatRequest chat = req.chat(who.admin() ? null : who.key().systemPrompt(), items);
            return dispatch.chat(ex, chat, (ObjectNode) root, WireFormat.OPENAI_RESPONSES,
                    UpstreamHeaders.forwardable(ctx.request().headers())).map(reply -> {
                        write(ctx, ex, req, items, reply);
                        return null;
                    });
        }).onFailure(ctx::fail);
    }

    /** The items the model sees: the previous response's context and output, then this request's input. */
    private Future<ArrayNode> context(ResponsesRequest req, Principal who) {
        if (req.previousResponseId() == null) return Future.succeededFuture(req.input());
        return StoredResponses.lookup(store, req.previousResponseId()).map(found -> {
            StoredResponse prev = found.filter(r -> r.visibleTo(who.admin(), keyId(who))).orElseThrow(() -> new GatewayError(
                    ErrorKind.PREVIOUS_RESPONSE_NOT_FOUND, "Previous response with id '" + req.previousResponseId() + "' not found.",
                    "previous_response_id", -1, false));
            ArrayNode items = Json.NODES.arrayNode();
            items.addAll(StoredResponses.array(prev.input()));
            items.addAll(ResponsesEncoder.output(StoredResponses.object(prev.body())));
            items.addAll(req.input());
            return items;
        });
    }

    static String keyId(Principal who) {
        return who.admin() ? StoredResponse.MASTER : who.key().id();
    }

    private void write(RoutingContext ctx, Exchange ex, ResponsesRequest req, ArrayNode items, ChatReply reply) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
            ex.cancellation().cancel();
            return;
        }
        // the limit a key's maxTokensPerRequest set, where the client set none, is the response's, as OpenAI shows its own
        Integer limit = ex.chatRequest() == null ? null : ex.chatRequest().params().maxTokens();
        if (limit != null && !req.echo().hasNonNull("max_output_tokens")) req.echo().put("max_output_tokens", limit);
        String id = ResponsesItems.id("resp");
        String keyId = keyId(ex.principal());
        switch (reply) {
            case ChatReply.CanonicalJson j -> {
                RoutingHeaders.write(resp, ex, RoutingHeaders.upstreamModel(ex, j.response()), j.headers());
                Settle.usage(ex, j.response().usage());
                ObjectNode body = ResponsesEncoder.response(j.response(), id, req.model(), req);
                if (req.store()) save(id, keyId, req, items, body);
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(Json.buffer(body));
            }
            case ChatReply.CanonicalStream s -> {
                RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Usage[] usage = new Usage[1];
                ObjectNode envelope = ResponsesEncoder.envelope(id, clock.instant().getEpochSecond(), req.model(), req, "in_progress");
                ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(envelope, u -> usage[0] = u, done -> {
                    if (req.store()) save(id, keyId, req, items, done);
                });
                new SseResponse<>(vertx, resp, encoder, pingMs, ResponsesStreamEncoder.PING, failure -> Settle.stream(ex, usage[0], failure))
                        .start(s.events(), ex.cancellation(), ex::onGraceOver);
            }
            // no provider speaks the Responses format natively yet, so a native reply is a wiring bug
            case ChatReply.NativeJson j -> ctx.fail(GatewayError.of(ErrorKind.INTERNAL, "The provider answered in an unexpected format."));
            case ChatReply.NativeStream s -> {
                s.chunks().cancel();
                ctx.fail(GatewayError.of(ErrorKind.INTERNAL, "The provider answered in an unexpected format."));
            }
        }
    }

    private void save(String id, String keyId, ResponsesRequest req, ArrayNode items, ObjectNode body) {
        store.save(new StoredResponse(id, keyId, req.model(), body.get("created_at").asLong(), Json.text(body), Json.text(items)));
    }
}
