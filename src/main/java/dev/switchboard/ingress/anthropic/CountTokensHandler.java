package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.usage.TokenEstimator;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/messages/count_tokens}: the input tokens of a Messages request (system,
 * messages, tools, a key's system prompt included) as {@code {"input_tokens": N}}. The model is
 * resolved as for a message, so a key sees the same 403 and 404 here; {@code max_tokens} is not
 * needed. When the deployment picked from the model's pool speaks Anthropic's format, the provider
 * counts ({@link dev.switchboard.provider.Provider#countTokens}: Anthropic's own
 * {@code /v1/messages/count_tokens}, with the client's body and {@code model} set to the upstream
 * model); one attempt, no retries, as counting is advisory. Otherwise the gateway's
 * {@link TokenEstimator} counts without calling a provider, off the event loop: a long prompt
 * takes milliseconds, and the first count loads the encoding.
 */
public final class CountTokensHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(CountTokensHandler.class);

    private final Vertx vertx;
    private final OutboundConnector connector;

    public CountTokensHandler(Vertx vertx, OutboundConnector connector) {
        this.vertx = vertx;
        this.connector = connector;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ObjectNode root = AnthropicBodies.parse(ctx);
        AnthropicBodies.prependSystemPrompt(root, ex.principal());
        ChatRequest request = AnthropicMessagesDecoder.decodeForCount(root);
        Deployment d = ModelRouter.resolve(ex.snapshot(), request.model(), ex.principal()).deployments().getFirst();
        Future<Long> count;
        if (d.wireFormat() == WireFormat.ANTHROPIC_MESSAGES) {
            count = d.provider().countTokens(new ChatCall(d, request, root, UpstreamHeaders.forwardable(ctx.request().headers()),
                    ex.requestId(), false, ex.cancellation(), connector, vertx)).onComplete(ar -> {
                        // the client is told the gateway's words; the provider's are logged, tied by the request id
                        if (ar.failed() && ar.cause() instanceof UpstreamException u) {
                            LOG.warn("count_tokens failed request_id={} deployment={} provider={} class={} status={} detail={}", ex.requestId(),
                                    d.id(), d.provider().id(), u.failureClass(), u.upstreamStatus(), d.redact(u.getMessage()));
                        } else if (ar.succeeded()) {
                            ctx.response().putHeader("x-switchboard-provider", d.provider().id()).putHeader("x-switchboard-deployment", d.id())
                                    .putHeader("x-switchboard-upstream-model", d.upstreamModel());
                        }
                    });
        } else {
            count = TokenEstimator.count(vertx, request);
        }
        count.onComplete(Answer.then(ctx, n -> {
                    if (ctx.response().closed()) return;
                    ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                            .end(Json.buffer(Json.object().put("input_tokens", n)));
                }, t -> t instanceof UpstreamException u ? u.error() : t));
    }
}
