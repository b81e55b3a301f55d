package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.gemini.GeminiChunkEncoder;
import dev.switchboard.ingress.gemini.GeminiRequestDecoder;
import dev.switchboard.ingress.gemini.GeminiResponseEncoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The standalone simulator's Gemini face: {@code POST /v1beta/models/{m}:generateContent},
 * {@code :streamGenerateContent} ({@code alt=sse}, else a JSON array), {@code :countTokens},
 * {@code :embedContent} and {@code :batchEmbedContents}, answered by the same
 * {@link SimulatorEngine} (the model named in the path is the one it reports), with usage as
 * {@code usageMetadata}. Like Gemini, it takes its key from {@code x-goog-api-key} (or
 * {@code key=}): none is a 403 {@code PERMISSION_DENIED}, a wrong one a 400 whose
 * {@code ErrorInfo} reason is {@code API_KEY_INVALID}. Directed failures ({@link SimDirectives})
 * answer in Gemini's error shape, a 429 with a {@code RetryInfo} delay.
 */
final class SimulatorGemini {

    private final Vertx vertx;
    private final SimulatorEngine engine;
    private final String apiKey;
    private final Runnable abandoned;

    /** @param abandoned counts a client that left before its stream ended */
    SimulatorGemini(Vertx vertx, SimulatorEngine engine, String apiKey, Runnable abandoned) {
        this.vertx = vertx;
        this.engine = engine;
        this.apiKey = apiKey;
        this.abandoned = abandoned;
    }

    void mount(Router router) {
        router.route("/v1beta/*").handler(this::authorize);
        router.postWithRegex("/v1beta/models/(?<model>.+):generateContent").handler(ctx -> generate(ctx, false));
        router.postWithRegex("/v1beta/models/(?<model>.+):streamGenerateContent").handler(ctx -> generate(ctx, true));
        router.postWithRegex("/v1beta/models/(?<model>.+):countTokens").handler(this::countTokens);
        router.postWithRegex("/v1beta/models/(?<model>.+):embedContent").handler(this::embed);
        router.postWithRegex("/v1beta/models/(?<model>.+):batchEmbedContents").handler(this::batchEmbed);
    }

    private void authorize(RoutingContext ctx) {
        if (apiKey == null) {
            ctx.next();
            return;
        }
        String key = ctx.request().getHeader("x-goog-api-key");
        if (key == null) key = ctx.request().getParam("key");
        if (key == null) {
            error(ctx.response(), 403, "Method doesn't allow unregistered callers (callers without established identity).", null, 0);
        } else if (!key.equals(apiKey)) {
            error(ctx.response(), 400, "API key not valid. Please pass a valid API key.", "API_KEY_INVALID", 0);
        } else {
            ctx.next();
        }
    }

    void generate(RoutingContext ctx, boolean stream) {
        String model = ctx.pathParam("model");
        ChatRequest request = GeminiRequestDecoder.decode(parse(ctx), model, stream);
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        HttpServerResponse resp = ctx.response();
        if (d.status() >= 400) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> fail(resp, d));
            return;
        }
        if (!stream) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json")
                    .end(Json.buffer(GeminiResponseEncoder.response(engine.response(request), model, true))));
            return;
        }
        boolean sse = "sse".equals(ctx.request().getParam("alt"));
        GeminiChunkEncoder encoder = new GeminiChunkEncoder(model, true);
        PacedEventSource<StreamEvent> events = new PacedEventSource<>(vertx, engine.events(request), d, null);
        resp.setChunked(true).putHeader("content-type", sse ? "text/event-stream" : "application/json");
        resp.closeHandler(v -> {
            abandoned.run();
            events.cancel();
        });
        boolean[] opened = {false};
        Consumer<ObjectNode> write = chunk -> {
            Buffer json = Json.buffer(chunk);
            if (sse) {
                // Google's own framing: CRLF line ends
                resp.write(Buffer.buffer("data: ").appendBuffer(json).appendString("\r\n\r\n"));
            } else {
                resp.write(Buffer.buffer(opened[0] ? ",\r\n" : "[").appendBuffer(json));
                opened[0] = true;
            }
        };
        events.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(StreamEvent event) {
                encoder.encode(event, write);
            }

            @Override
            public void onEnd() {
                encoder.end(write);
                if (sse) resp.end();
                else resp.end(opened[0] ? "]" : "[]");
            }

            @Override
            public void onError(UpstreamException error) {
                resp.reset();
            }
        });
    }

    private void countTokens(RoutingContext ctx) {
        JsonNode root = parse(ctx);
        JsonNode inner = GeminiWire.field(root, "generateContentRequest");
        ChatRequest request = GeminiRequestDecoder.decode(inner != null ? inner : root, ctx.pathParam("model"), false);
        ctx.response().putHeader("content-type", "application/json")
                .end(Json.buffer(Json.object().put("totalTokens", SimulatorEngine.promptTokens(request))));
    }

    /** Whether the headers' directives asked for a failure, which is then answered (embeddings carry no text directive). */
    private boolean failed(RoutingContext ctx) {
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, null);
        if (d.status() < 400) return false;
        PacedEventSource.delayed(vertx, d.latencyMs(), () -> fail(ctx.response(), d));
        return true;
    }

    private void embed(RoutingContext ctx) {
        if (failed(ctx)) return;
        JsonNode root = parse(ctx);
        ObjectNode out = Json.object();
        out.set("embedding", embedding(root, ctx.pathParam("model")));
        ctx.response().putHeader("content-type", "application/json").end(Json.buffer(out));
    }

    private void batchEmbed(RoutingContext ctx) {
        if (failed(ctx)) return;
        JsonNode root = parse(ctx);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("embeddings");
        for (JsonNode r : GeminiWire.items(GeminiWire.field(root, "requests"))) list.add(embedding(r, ctx.pathParam("model")));
        ctx.response().putHeader("content-type", "application/json").end(Json.buffer(out));
    }

    private ObjectNode embedding(JsonNode request, String model) {
        StringBuilder text = new StringBuilder();
        for (JsonNode p : GeminiWire.items(GeminiWire.field(GeminiWire.field(request, "content"), "parts"))) {
            String t = GeminiWire.text(p, "text");
            if (t == null) continue;
            if (!text.isEmpty()) text.append('\n');
            text.append(t);
        }
        JsonNode dims = GeminiWire.field(request, "outputDimensionality");
        float[] v = engine.embed(new EmbeddingRequest(model, List.of(text.toString()), dims == null ? null : dims.asInt(), "float"))
                .vectors().getFirst();
        ObjectNode e = Json.object();
        ArrayNode values = e.putArray("values");
        for (float x : v) values.add(x);
        return e;
    }

    private static JsonNode parse(RoutingContext ctx) {
        try {
            return Json.parse(ctx.body().buffer().getBytes());
        } catch (IOException | NullPointerException e) {
            throw GatewayError.invalid(null, "Invalid JSON payload received.");
        }
    }

    private static void fail(HttpServerResponse resp, SimDirectives d) {
        error(resp, d.status(), "Simulated failure with status " + d.status(), null, d.retryAfter());
    }

    /** Gemini's error shape, with an {@code ErrorInfo} reason and a {@code RetryInfo} delay where given. */
    static void error(HttpServerResponse resp, int status, String message, String reason, int retryAfterSeconds) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("code", status);
        err.put("message", message);
        err.put("status", GeminiWire.status(status));
        List<ObjectNode> details = new ArrayList<>();
        if (reason != null) {
            ObjectNode info = Json.object().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", reason)
                    .put("domain", "googleapis.com");
            details.add(info);
        }
        if (retryAfterSeconds > 0) {
            details.add(Json.object().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", retryAfterSeconds + "s"));
        }
        if (!details.isEmpty()) err.putArray("details").addAll(details);
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(Json.buffer(root));
    }
}
