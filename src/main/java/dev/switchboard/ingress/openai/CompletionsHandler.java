package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.SseResponse;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.StreamEvent;
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
 * {@code POST /v1/completions} (OpenAI's legacy completions): the request becomes a canonical chat
 * request ({@link LegacyCompletions}) and goes through the same pipeline as chat, always in
 * canonical mode — an OpenAI-family provider is asked for a chat completion, never for its own
 * legacy endpoint — and the answer is written back as a {@code text_completion}, JSON or SSE.
 */
public final class CompletionsHandler implements Handler<RoutingContext> {


    private final Vertx vertx;
    private final Dispatch dispatch;
    private final long pingMs;

    public CompletionsHandler(Vertx vertx, Dispatch dispatch, long pingMs) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.pingMs = pingMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        JsonNode root = OpenAiBodies.parse(ctx);
        boolean reject = "reject".equals(ex.snapshot().router().unsupportedParameters());
        ObjectNode chat = LegacyCompletions.chatBody(root, reject);
        OpenAiBodies.prependSystemPrompt(chat, ex.principal());
        ChatRequest request = OpenAiChatDecoder.decode(chat);
        // no native body: the legacy format is nobody's wire format, so every provider answers in canonical mode
        dispatch.chat(ex, request, null, WireFormat.NONE, UpstreamHeaders.forwardable(ctx.request().headers()))
                .onComplete(Answer.then(ctx, reply -> write(ctx, ex, request, reply)));
    }

    private void write(RoutingContext ctx, Exchange ex, ChatRequest request, ChatReply reply) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
            ex.cancellation().cancel();
            return;
        }
        switch (reply) {
            case ChatReply.CanonicalJson j -> {
                OpenAiBodies.routingHeaders(resp, ex, RoutingHeaders.upstreamModel(ex, j.response()), j.headers());
                Settle.usage(ex, j.response().usage());
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                        .end(Json.buffer(LegacyCompletions.response(j.response(), request.model())));
            }
            case ChatReply.CanonicalStream s -> {
                OpenAiBodies.routingHeaders(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                SseResponse.Framing<StreamEvent> framing = OpenAiStreams.framing(
                        new LegacyCompletions.ChunkEncoder(request.model(), request.includeUsage()), usage::set);
                new SseResponse<>(vertx, resp, framing, pingMs, OpenAiStreams.PING, failure -> Settle.stream(ex, usage.get(), failure))
                        .start(s.events(), ex.cancellation(), ex::onGraceOver);
            }
            case ChatReply.NativeJson j -> ctx.fail(nativeReply());
            case ChatReply.NativeStream s -> {
                s.chunks().cancel();
                ctx.fail(nativeReply());
            }
        }
    }

    /** Cannot happen (no native body is given): a provider broke the contract of ChatCall. */
    private static GatewayError nativeReply() {
        return GatewayError.of(ErrorKind.INTERNAL, "The provider answered a completions request in its own format.");
    }
}
