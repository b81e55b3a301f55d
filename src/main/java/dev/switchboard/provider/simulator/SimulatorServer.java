package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.openai.EmbeddingsHandler;
import dev.switchboard.ingress.openai.OpenAiChatDecoder;
import dev.switchboard.ingress.openai.OpenAiChatEncoder;
import dev.switchboard.ingress.openai.OpenAiChunkEncoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator as a standalone fake upstream speaking the OpenAI wire format
 * ({@code ./switchboard simulate --port N}): {@code POST /v1/chat/completions} (JSON and SSE),
 * {@code POST /v1/embeddings}, {@code GET /v1/models} — and the Anthropic Messages format:
 * {@code POST /v1/messages} (JSON and SSE, {@code x-api-key}, Anthropic-shaped errors; see
 * {@link SimAnthropicCodec} and {@link SimAnthropicStream}) — and Azure OpenAI's paths: the dated
 * {@code POST /openai/deployments/{d}/chat/completions?api-version=…} (the deployment names the
 * model) and {@code …/embeddings}, and the v1 {@code POST /openai/v1/chat/completions} and
 * {@code /openai/v1/embeddings}, with the key in {@code api-key}; there a directed 400 answers
 * Azure's content-filter refusal — and Gemini's under {@code /v1beta} ({@link SimulatorGemini}).
 * Answers come from {@link SimulatorEngine};
 * faults and pacing from {@link SimDirectives} (headers or the message). Like a real provider it
 * sends its own {@code x-ratelimit-*} headers and a cookie, so tests can check they stop at the
 * gateway. It keeps the last requests it received for tests to inspect.
 */
public final class SimulatorServer implements AutoCloseable {

    /** A request as the simulator received it; {@code query} is the raw query string, or null. */
    public record Received(String method, String path, String query, MultiMap headers, String body) {
        public JsonNode json() {
            try {
                return Json.parse(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    private static final int KEEP = 200;
    private static final String MESSAGES = "/v1/messages";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    private static final String AZURE = "/openai/";

    private final Vertx vertx;
    private final boolean ownVertx;
    private final SimulatorEngine engine;
    private final Clock clock;
    private final String apiKey;
    private SimulatorVertex vertexSide;
    private final ArrayDeque<Received> received = new ArrayDeque<>();
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private HttpServer server;

    private SimulatorServer(Vertx vertx, boolean ownVertx, Clock clock, String apiKey) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.engine = new SimulatorEngine(clock);
        this.clock = clock;
        this.apiKey = apiKey;
    }

    /** Starts on {@code host:port} (0 for any free port) with its own Vert.x; {@code apiKey} null accepts any caller. */
    public static SimulatorServer start(String host, int port, String apiKey) {
        SimulatorServer s = new SimulatorServer(Vertx.vertx(), true, Clock.systemUTC(), apiKey);
        s.listen(host, port);
        return s;
    }

    private void listen(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setHandleFileUploads(false));
        router.route().handler(this::record);
        router.post("/v1/chat/completions").handler(this::chat);
        router.post(MESSAGES).handler(ctx -> messages(ctx, null));
        router.post(COUNT_TOKENS).handler(this::countTokens);
        router.post("/v1/embeddings").handler(this::embeddings);
        router.post("/openai/v1/chat/completions").handler(this::chat);
        router.post("/openai/v1/embeddings").handler(this::embeddings);
        router.post("/openai/deployments/:deployment/chat/completions").handler(this::chat);
        router.post("/openai/deployments/:deployment/embeddings").handler(this::embeddings);
        router.get("/v1/models").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end("{\"object\":\"list\",\"data\":[{\"id\":\"sim-model\",\"object\":\"model\",\"created\":0,\"owned_by\":\"simulator\"}]}"));
        router.get("/health").handler(ctx -> ctx.response().end("ok"));
        SimulatorGemini gemini = new SimulatorGemini(vertx, engine, apiKey, abandoned::incrementAndGet);
        gemini.mount(router);
        vertexSide = new SimulatorVertex(clock, gemini, this::messages);
        vertexSide.mount(router);
        new SimulatorCohere(vertx, engine, apiKey, abandoned::incrementAndGet).mount(router);
        new SimulatorBedrock(vertx, engine, apiKey, abandoned::incrementAndGet).mount(router);
        router.route().failureHandler(ctx -> {
            GatewayError e = ctx.failure() instanceof GatewayError g ? g
                    : GatewayError.of(ErrorKind.INTERNAL, "simulator failure: " + ctx.failure());
            if (ctx.request().path().startsWith("/v1beta/") || ctx.request().path().startsWith(SimulatorVertex.PREFIX)) SimulatorGemini.error(ctx.response(), e.status(), e.getMessage(), null, 0);
            else ErrorRenderer.openAi(ctx.response(), e);
        });
        try {
            server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet()).requestHandler(router).listen(port, host)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** The base URL by the OpenAI rule (with the version): for OpenAI-compatible deployments. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The host root: the base URL of providers whose SDKs add the version path themselves (Anthropic, Gemini). */
    public String rootUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The fake Google token endpoint, the {@code token_uri} of a service account the simulator trusts. */
    public String tokenUri() {
        return rootUrl() + SimulatorVertex.TOKEN_PATH;
    }

    /**
     * Lets the token endpoint accept JWTs of {@code clientEmail}, signed by the private half of
     * {@code key} under key id {@code keyId}. The simulator holds no private key of its own.
     */
    public void trustServiceAccount(String clientEmail, String keyId, PublicKey key) {
        vertexSide.trust(clientEmail, keyId, key);
    }

    /** Requests the token endpoint has received, granted or not. */
    public long tokenRequests() {
        return vertexSide.tokenRequests();
    }

    /** The requests received so far, oldest first (the last 200). */
    public synchronized List<Received> received() {
        return new ArrayList<>(received);
    }

    public synchronized Received last() {
        return received.peekLast();
    }

    /** TCP connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Requests whose client (the gateway) went away before the answer ended. */
    public long abandoned() {
        return abandoned.get();
    }

    public synchronized void clear() {
        received.clear();
    }

    private void record(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        synchronized (this) {
            received.addLast(new Received(req.method().name(), req.path(), req.query(), headers, body == null ? "" : body.toString()));
            while (received.size() > KEEP) received.removeFirst();
        }
        boolean anthropic = req.path().equals(MESSAGES) || req.path().equals(COUNT_TOKENS);
        if (anthropic && apiKey != null && !apiKey.equals(req.getHeader("x-api-key"))) {
            ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end(Json.buffer(SimAnthropicCodec.error(401, "invalid x-api-key", "req_sim_" + counter.incrementAndGet())));
            return;
        }
        boolean azure = req.path().startsWith(AZURE);
        if (azure && req.path().startsWith("/openai/deployments/") && req.getParam("api-version") == null) {
            ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
            return;
        }
        if (azure && apiKey != null && !apiKey.equals(req.getHeader("api-key"))) {
            ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint.\"}}");
            return;
        }
        // /v1beta (Gemini), /model (Bedrock, SigV4) and Vertex AI's paths and token endpoint check their own credentials:
        // SimulatorGemini, SimulatorBedrock, SimulatorVertex
        boolean gemini = req.path().startsWith("/v1beta/") || req.path().startsWith(SimulatorVertex.PREFIX)
                || req.path().equals(SimulatorVertex.TOKEN_PATH);
        if (!anthropic && !azure && !gemini && !req.path().startsWith("/model/") && apiKey != null && !("Bearer " + apiKey).equals(req.getHeader("authorization"))) {
            ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            return;
        }
        HttpServerResponse resp = ctx.response();
        resp.closeHandler(v -> abandoned.incrementAndGet());
        resp.putHeader("set-cookie", "__sim_session=1; Path=/; HttpOnly");
        if (anthropic) {
            // Anthropic's own informational and rate-limit headers: the gateway passes back none of them
            resp.putHeader("request-id", "req_sim_" + counter.incrementAndGet());
            resp.putHeader("anthropic-ratelimit-requests-limit", "10000");
            resp.putHeader("anthropic-ratelimit-requests-remaining", "9999");
            resp.putHeader("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:00Z");
            resp.putHeader("anthropic-organization-id", "sim-org");
            ctx.next();
            return;
        }
        resp.putHeader("x-request-id", "sim_" + counter.incrementAndGet());
        resp.putHeader("x-ratelimit-limit-requests", "10000");
        resp.putHeader("x-ratelimit-remaining-requests", "9999");
        resp.putHeader("x-ratelimit-reset-requests", "6ms");
        resp.putHeader("openai-version", "2020-10-01");
        ctx.next();
    }

    /**
     * {@code POST /v1/messages}: the Anthropic Messages API, JSON and SSE, from the same engine.
     * Malformed requests and directed failures answer Anthropic's error shape. {@code pathModel}
     * is the model a Vertex AI path names (its body has none), else null.
     */
    private void messages(RoutingContext ctx, String pathModel) {
        HttpServerResponse resp = ctx.response();
        String requestId = resp.headers().get("request-id");
        ChatRequest request;
        try {
            JsonNode root = Json.parse(ctx.body().buffer().getBytes());
            if (pathModel != null && root instanceof ObjectNode o) o.put("model", pathModel);
            request = SimAnthropicCodec.decode(root);
        } catch (IOException | NullPointerException e) {
            anthropicError(resp, 400, "The request body is not valid JSON.", 0, requestId);
            return;
        } catch (IllegalArgumentException e) {
            anthropicError(resp, 400, e.getMessage(), 0, requestId);
            return;
        }
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        if (d.status() >= 400) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> anthropicError(resp, d.status(),
                    "Simulated failure with status " + d.status(), d.retryAfter(), requestId));
            return;
        }
        if (!request.stream()) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json")
                    .end(Json.buffer(SimAnthropicCodec.response(engine.response(request), request.model()))));
            return;
        }
        SimAnthropicStream encoder = new SimAnthropicStream(request.model(), SimulatorEngine.promptTokens(request));
        PacedEventSource<StreamEvent> events = new PacedEventSource<>(vertx, engine.events(request), d, null);
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        resp.closeHandler(v -> {
            abandoned.incrementAndGet();
            events.cancel();
        });
        events.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(StreamEvent event) {
                Buffer frames = encoder.encode(event);
                if (frames.length() > 0) resp.write(frames);
            }

            @Override
            public void onEnd() {
                resp.end();
            }

            @Override
            public void onError(UpstreamException error) {
                resp.reset();
            }
        });
    }

    /**
     * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}, N the prompt tokens of
     * the usage formula — exactly the {@code input_tokens} a message with this body would report.
     * The body is a Messages request without {@code max_tokens}.
     */
    private void countTokens(RoutingContext ctx) {
        HttpServerResponse resp = ctx.response();
        String requestId = resp.headers().get("request-id");
        ChatRequest request;
        try {
            JsonNode root = Json.parse(ctx.body().buffer().getBytes());
            if (root instanceof ObjectNode o && !o.has("max_tokens")) o.put("max_tokens", 1);
            request = SimAnthropicCodec.decode(root);
        } catch (IOException | NullPointerException e) {
            anthropicError(resp, 400, "The request body is not valid JSON.", 0, requestId);
            return;
        } catch (IllegalArgumentException e) {
            anthropicError(resp, 400, e.getMessage(), 0, requestId);
            return;
        }
        resp.putHeader("content-type", "application/json")
                .end(Json.buffer(Json.object().put("input_tokens", SimulatorEngine.promptTokens(request))));
    }

    private static void anthropicError(HttpServerResponse resp, int status, String message, int retryAfter, String requestId) {
        if (retryAfter > 0) resp.putHeader("retry-after", Integer.toString(retryAfter));
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .end(Json.buffer(SimAnthropicCodec.error(status, message, requestId)));
    }

    private void chat(RoutingContext ctx) {
        ChatRequest request = OpenAiChatDecoder.decode(azureModel(ctx, parse(ctx)));
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        HttpServerResponse resp = ctx.response();
        resp.putHeader("openai-processing-ms", Integer.toString(d.latencyMs()));
        if (d.status() >= 400) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> fail(resp, d, ctx.request().path().startsWith(AZURE)));
            return;
        }
        if (!request.stream()) {
            ObjectNode answer = OpenAiChatEncoder.response(engine.response(request), request.model());
            if (d.noUsage() == 1) answer.remove("usage");
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json").end(Json.buffer(answer)));
            return;
        }
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder(request.model(), (request.includeUsage() || d.usageAlways() == 1) && d.noUsage() != 1);
        PacedEventSource<StreamEvent> events = new PacedEventSource<>(vertx, engine.events(request), d, null);
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        resp.closeHandler(v -> {
            abandoned.incrementAndGet();
            events.cancel();
        });
        events.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(StreamEvent event) {
                ObjectNode chunk = encoder.encode(event);
                if (chunk != null) resp.write(Buffer.buffer("data: ").appendBuffer(Json.buffer(chunk)).appendString("\n\n"));
            }

            @Override
            public void onEnd() {
                for (ObjectNode chunk : encoder.end()) resp.write(Buffer.buffer("data: ").appendBuffer(Json.buffer(chunk)).appendString("\n\n"));
                resp.end("data: [DONE]\n\n");
            }

            @Override
            public void onError(UpstreamException error) {
                resp.reset();
            }
        });
    }

    private void embeddings(RoutingContext ctx) {
        EmbeddingRequest request = EmbeddingsHandler.decode(azureModel(ctx, parse(ctx)));
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, null);
        PacedEventSource.delayed(vertx, d.latencyMs(), () -> {
            if (d.status() >= 400) fail(ctx.response(), d, ctx.request().path().startsWith(AZURE));
            else ctx.response().putHeader("content-type", "application/json")
                    .end(Json.buffer(EmbeddingsHandler.encode(engine.embed(request), request)));
        });
    }

    private static JsonNode parse(RoutingContext ctx) {
        try {
            return Json.parse(ctx.body().buffer().getBytes());
        } catch (IOException | NullPointerException e) {
            throw GatewayError.invalid(null, "We could not parse the JSON body of your request.");
        }
    }

    /** On Azure's dated paths the deployment in the path is the model (a {@code model} in the body is ignored, as Azure does). */
    private static JsonNode azureModel(RoutingContext ctx, JsonNode root) {
        String deployment = ctx.pathParam("deployment");
        if (deployment != null && root instanceof ObjectNode o) o.put("model", deployment);
        return root;
    }

    private static void fail(HttpServerResponse resp, SimDirectives d, boolean azure) {
        int status = d.status();
        if (azure && status == 400) {
            resp.setStatusCode(400).putHeader("content-type", "application/json").end("{\"error\":{\"code\":\"content_filter\","
                    + "\"message\":\"The response was filtered due to the prompt triggering the content management policy.\","
                    + "\"param\":\"prompt\",\"status\":400,\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
                    + "\"content_filter_result\":{\"hate\":{\"filtered\":true,\"severity\":\"high\"}}}}}");
            return;
        }
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        String code = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "simulated_error";
        if (d.retryAfter() > 0) resp.putHeader("retry-after", Integer.toString(d.retryAfter()));
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .end("{\"error\":{\"message\":\"Simulated failure with status " + status + "\",\"type\":\"" + type
                        + "\",\"param\":null,\"code\":\"" + code + "\"}}");
    }

    @Override
    public void close() {
        try {
            if (ownVertx) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            else server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing a test upstream: nothing useful to do with a failure here
        }
    }
}
