package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1beta/models/{model}:countTokens}: {@code {"totalTokens": n}} for the body's
 * {@code contents}, or for a whole {@code generateContentRequest}, with the key's system prompt
 * counted as it would be sent. The count is the provider's (a deployment's provider picked from
 * the model's pool as for a call): Gemini's own {@code :countTokens}, Anthropic's
 * {@code count_tokens}, the simulator's formula, else the gateway's estimate ({@link dev.switchboard.provider.TokenEstimate}). One attempt, no
 * retries: counting is advisory.
 */
public final class CountTokensHandler implements Handler<RoutingContext> {

    private final Vertx vertx;
    private final OutboundConnector connector;

    public CountTokensHandler(Vertx vertx, OutboundConnector connector) {
        this.vertx = vertx;
        this.connector = connector;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        String model = GeminiBodies.model(ctx);
        ObjectNode root = GeminiBodies.parse(ctx);
        JsonNode inner = GeminiWire.field(root, "generateContentRequest");
        if (inner != null && !inner.isObject()) {
            throw GatewayError.invalid("generateContentRequest", "'generateContentRequest' must be an object.");
        }
        ObjectNode source = inner != null ? (ObjectNode) inner : root;
        if (GeminiWire.field(source, "contents") == null) {
            throw GatewayError.invalid("contents", "Send 'contents', or a whole 'generateContentRequest'.");
        }
        if (inner == null && !ex.principal().admin() && ex.principal().key().systemPrompt() != null) {
            // countTokens takes a system instruction only inside a whole generateContentRequest
            source = root.objectNode();
            source.set("contents", root.remove("contents"));
            root.set("generateContentRequest", source);
        }
        GeminiBodies.prependSystemPrompt(source, ex.principal());
        ChatRequest request = GeminiRequestDecoder.decode(source, model, false);
        Deployment d = ModelRouter.resolve(ex.snapshot(), model, ex.principal()).deployments().getFirst();
        ChatCall call = new ChatCall(d, request, d.wireFormat() == WireFormat.GEMINI ? root : null,
                UpstreamHeaders.forwardable(ctx.request().headers()), ex.requestId(), false, ex.cancellation(), connector, vertx);
        d.provider().countTokens(call)
                .onComplete(Answer.then(ctx, n -> ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                        .end(Json.buffer(Json.object().put("totalTokens", n))), t -> t instanceof UpstreamException u ? u.error() : t));
    }
}
