package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.http.SseResponse;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Settle;
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
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: decode, dispatch, and write the answer as JSON or SSE. With an
 * OpenAI-format provider the client's body goes through natively; otherwise through the canonical
 * model. The response's {@code model} is always the name the client asked for.
 */
public final class ChatCompletionsHandler implements Handler<RoutingContext> {


    private final Vertx vertx;
    private final Dispatch dispatch;
    private final long pingMs;

    public ChatCompletionsHandler(Vertx vertx, Dispatch dispatch, long pingMs) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.pingMs = pingMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        JsonNode root = OpenAiBodies.parse(ctx);
        OpenAiBodies.prependSystemPrompt(root, ex.principal());
        ChatRequest request = OpenAiChatDecoder.decode(root);
        boolean legacyFunctions = OpenAiChatDecoder.legacyFunctions(root);
        dispatch.chat(ex, request, (ObjectNode) root, WireFormat.OPENAI_CHAT, UpstreamHeaders.forwardable(ctx.request().headers()),
                        () -> OpenAiChatDecoder.untranslatable(root))
                .onComplete(Answer.then(ctx, reply -> write(ctx, ex, request, legacyFunctions, reply)));
    }

    private void write(RoutingContext ctx, Exchange ex, ChatRequest request, boolean legacyFunctions, ChatReply reply) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
            ex.cancellation().cancel(); // also cancels a primed stream: Dispatch registered it
            return;
        }
        switch (reply) {
            case ChatReply.NativeJson j -> {
                OpenAiBodies.routingHeaders(resp, ex, j.upstreamModel(), j.headers());
                Settle.usage(ex, j.usage());
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(j.body());
            }
            case ChatReply.CanonicalJson j -> {
                OpenAiBodies.routingHeaders(resp, ex, RoutingHeaders.upstreamModel(ex, j.response()), j.headers());
                Settle.usage(ex, j.response().usage());
                ObjectNode body = OpenAiChatEncoder.response(j.response(), request.model());
                resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(Json.buffer(legacyFunctions ? LegacyFunctions.answer(body) : body));
            }
            case ChatReply.NativeStream s -> {
                OpenAiBodies.routingHeaders(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, OpenAiStreams.nativeFraming(request.model(), estimate(ex, request), usage::set),
                        pingMs, OpenAiStreams.PING, failure -> Settle.stream(ex, usage.get(), failure)).start(s.chunks(), ex.cancellation(), ex::onGraceOver);
            }
            case ChatReply.CanonicalStream s -> {
                OpenAiBodies.routingHeaders(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, OpenAiStreams.canonicalFraming(request.model(), request.includeUsage(), legacyFunctions,
                        signsAfterText(ex.deployment().wireFormat()), usage::set),
                        pingMs, OpenAiStreams.PING, failure -> Settle.stream(ex, usage.get(), failure)).start(s.events(), ex.cancellation(), ex::onGraceOver);
            }
        }
    }

    /** Providers whose stream signs a thinking block after its text (Anthropic's signature_delta, Bedrock's). */
    private static boolean signsAfterText(WireFormat format) {
        return format == WireFormat.ANTHROPIC_MESSAGES || format == WireFormat.BEDROCK_CONVERSE;
    }

    /**
     * The usage a native stream shows a client that asked for it ({@code stream_options.include_usage})
     * when the provider reports none: the gateway's estimate, counted at the end of the stream (off
     * the event loop when the prompt is long) and then recorded as the request's usage. Null when
     * the client did not ask. (A canonical stream gets its estimate before it reaches the framing:
     * see {@code Dispatch}.)
     */
    private Supplier<Future<Usage>> estimate(Exchange ex, ChatRequest request) {
        if (!request.includeUsage()) return null;
        return () -> Settle.estimate(vertx, ex, request);
    }
}
