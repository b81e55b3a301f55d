package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
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
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent}: decode,
 * dispatch, and answer in Gemini's shape. With a Gemini provider the client's body goes through
 * natively; otherwise through the canonical model. A stream is SSE with {@code alt=sse}, else
 * Gemini's default JSON array written incrementally ({@link GeminiStreams}); {@code alt=json} is
 * the array too, any other {@code alt} a 400. The answer's {@code modelVersion} is the model name
 * the client asked for.
 */
public final class GenerateContentHandler {


    private final Vertx vertx;
    private final Dispatch dispatch;
    private final long pingMs;

    public GenerateContentHandler(Vertx vertx, Dispatch dispatch, long pingMs) {
        this.vertx = vertx;
        this.dispatch = dispatch;
        this.pingMs = pingMs;
    }

    public void generate(RoutingContext ctx) {
        handle(ctx, false, false);
    }

    public void stream(RoutingContext ctx) {
        String alt = ctx.request().getParam("alt");
        if (alt != null && !alt.equals("sse") && !alt.equals("json")) {
            throw GatewayError.invalid("alt", "Unsupported 'alt' value '" + alt + "': use sse, or json (the default).");
        }
        handle(ctx, true, "sse".equals(alt));
    }

    private void handle(RoutingContext ctx, boolean stream, boolean sse) {
        Exchange ex = Exchange.of(ctx);
        String model = GeminiBodies.model(ctx);
        ObjectNode root = GeminiBodies.parse(ctx);
        GeminiBodies.prependSystemPrompt(root, ex.principal());
        ChatRequest request = GeminiRequestDecoder.decode(root, model, stream);
        boolean includeThoughts = includeThoughts(root);
        dispatch.chat(ex, request, root, WireFormat.GEMINI, UpstreamHeaders.forwardable(ctx.request().headers()),
                        () -> GeminiRequestDecoder.untranslatable(root))
                .onComplete(Answer.then(ctx, reply -> write(ctx, ex, model, includeThoughts, sse, reply)));
    }

    static boolean includeThoughts(JsonNode root) {
        JsonNode v = GeminiWire.field(GeminiWire.field(GeminiWire.field(root, "generationConfig"), "thinkingConfig"), "includeThoughts");
        return v != null && v.asBoolean(false);
    }

    private void write(RoutingContext ctx, Exchange ex, String model, boolean includeThoughts, boolean sse, ChatReply reply) {
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
                        .end(Json.buffer(GeminiResponseEncoder.response(j.response(), model, includeThoughts)));
            }
            case ChatReply.NativeStream s -> {
                RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, GeminiStreams.nativeFraming(sse, usage::set), pingMs, GeminiStreams.PING,
                        failure -> Settle.stream(ex, usage.get(), failure)).contentType(sse ? GeminiStreams.SSE : GeminiStreams.ARRAY)
                        .start(s.chunks(), ex.cancellation(), ex::onGraceOver);
            }
            case ChatReply.CanonicalStream s -> {
                RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), s.headers());
                Settle.LastUsage usage = new Settle.LastUsage();
                new SseResponse<>(vertx, resp, GeminiStreams.canonicalFraming(model, includeThoughts, sse, usage::set), pingMs,
                        GeminiStreams.PING, failure -> Settle.stream(ex, usage.get(), failure))
                        .contentType(sse ? GeminiStreams.SSE : GeminiStreams.ARRAY).start(s.events(), ex.cancellation(), ex::onGraceOver);
            }
        }
    }
}
