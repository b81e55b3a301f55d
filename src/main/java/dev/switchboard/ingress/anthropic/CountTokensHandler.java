package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.usage.TokenEstimator;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/messages/count_tokens}: the input tokens of a Messages request (system,
 * messages, tools, a key's system prompt included) as {@code {"input_tokens": N}}, counted by the
 * gateway's {@link TokenEstimator} without calling a provider. The model is resolved as for a
 * message, so a key sees the same 403 and 404 here; {@code max_tokens} is not needed. Counting
 * runs off the event loop: a long prompt takes milliseconds, and the first count loads the
 * encoding.
 */
public final class CountTokensHandler implements Handler<RoutingContext> {

    private final Vertx vertx;

    public CountTokensHandler(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ObjectNode root = AnthropicBodies.parse(ctx);
        AnthropicBodies.prependSystemPrompt(root, ex.principal());
        ChatRequest request = AnthropicMessagesDecoder.decodeForCount(root);
        ModelRouter.resolve(ex.snapshot(), request.model(), ex.principal());
        vertx.executeBlocking(() -> TokenEstimator.inputTokens(request), false)
                .onSuccess(n -> {
                    if (ctx.response().closed()) return;
                    ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                            .end(Json.buffer(Json.object().put("input_tokens", n)));
                })
                .onFailure(ctx::fail);
    }
}
