package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.http.SseResponse;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Settle;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/messages}: decode, dispatch, and write the answer as an Anthropic message or
 * its event stream. With an Anthropic provider the client's body goes through natively (a key's
 * system prompt added); otherwise through the canonical model. The answer's {@code model} is
 * always the name the client asked for.
 */
public final class MessagesHandler implements Handler<RoutingContext> {


    private final Vertx vertx;
    private final Dispatch dispatch;
    private final long pingMs;

    public MessagesHandler(Vertx vertx, Dispatch dispatch, long pingMs) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.pingMs = pingMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ObjectNode root = AnthropicBodies.parse(ctx);
        AnthropicBodies.prependSystemPrompt(root, ex.principal());
        ChatRequest request = AnthropicMessagesDecoder.decode(root);
        dispatch.chat(ex, request, root, WireFormat.ANTHROPIC_MESSAGES, UpstreamHeaders.forwardable(ctx.request().headers()))
                .onComplete(Answer.then(ctx, reply -> write(ctx, ex, request, reply)));
    }

    private void write(RoutingContext ctx, Exchange ex, ChatRequest request, ChatReply reply) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
            ex.cancellation().cancel(); // also cancels a primed stream: Dispatch registered it
            return;
        }
        switch (reply) {
            case ChatReply.NativeJson j -> {
                RoutingHeaders.write(resp, ex, j.upstreamModel(), j.headers());
                Settle.usage(ex, j.usage());
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(j.body());
            }
            case ChatReply.CanonicalJson j -> {
                RoutingHeaders.write(resp, ex, RoutingHeaders.upstreamModel(ex, j.response()), j.headers());
                Settle.usage(ex, j.response().usage());
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                        .end(Json.buffer(AnthropicMessagesEncoder.message(j.response(), request.model())));
            }
            case ChatReply.NativeStream s -> {
                RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, AnthropicStreams.nativeFraming(request.model(), ex.requestId(), usage::set),
                        pingMs, AnthropicStreams.PING, failure -> Settle.stream(ex, usage.get(), failure)).start(s.chunks(), ex.cancellation(), ex::onGraceOver);
            }
            case ChatReply.CanonicalStream s -> {
                RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, new AnthropicStreamEncoder(request.model(), ex.requestId(), usage::set),
                        pingMs, AnthropicStreams.PING, failure -> Settle.stream(ex, usage.get(), failure)).start(s.events(), ex.cancellation(), ex::onGraceOver);
            }
        }
    }
}
