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
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator as a standalone fake upstream speaking the OpenAI wire format
 * ({@code ./switchboard simulate --port N}): {@code POST /v1/chat/completions} (JSON and SSE),
 * {@code POST /v1/embeddings}, {@code GET /v1/models}; and Gemini's under {@code /v1beta}
 * ({@link SimulatorGemini}). Answers come from {@link SimulatorEngine};
 * faults and pacing from {@link SimDirectives} (headers or the message). Like a real provider it
 * sends its own {@code x-ratelimit-*} headers and a cookie, so tests can check they stop at the
 * gateway. It keeps the last requests it received for tests to inspect.
 */
public final class SimulatorServer implements AutoCloseable {

    /** A request as the simulator received it; {@code query} is the raw query string, or null. */
    public record Received(String method, String path, MultiMap headers, String body, String query) {
        public JsonNode json() {
            try {
                return Json.parse(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }

    private static final int KEEP = 200;

    private final Vertx vertx;
    private final boolean ownVertx;
    private final SimulatorEngine engine;
    private final String apiKey;
    private final ArrayDeque<Received> received = new ArrayDeque<>();
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private HttpServer server;

    private SimulatorServer(Vertx vertx, boolean ownVertx, Clock clock, String apiKey) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.engine = new SimulatorEngine(clock);
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
        router.post("/v1/embeddings").handler(this::embeddings);
        router.get("/v1/models").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end("{\"object\":\"list\",\"data\":[{\"id\":\"sim-model\",\"object\":\"model\",\"created\":0,\"owned_by\":\"simulator\"}]}"));
        router.get("/health").handler(ctx -> ctx.response().end("ok"));
        new SimulatorGemini(vertx, engine, apiKey, abandoned::incrementAndGet).mount(router);
        router.route().failureHandler(ctx -> {
            GatewayError e = ctx.failure() instanceof GatewayError g ? g
                    : GatewayError.of(ErrorKind.INTERNAL, "simulator failure: " + ctx.failure());
            if (ctx.request().path().startsWith("/v1beta/")) SimulatorGemini.error(ctx.response(), e.status(), e.getMessage(), null, 0);
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

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The host root, the base URL of providers whose SDKs add the version path themselves (Gemini). */
    public String rootUrl() {
        return "http://127.0.0.1:" + port();
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
            received.addLast(new Received(req.method().name(), req.path(), headers, body == null ? "" : body.toString(), req.query()));
            while (received.size() > KEEP) received.removeFirst();
        }
        // /v1beta (Gemini) checks its own key header: SimulatorGemini
        if (apiKey != null && !req.path().startsWith("/v1beta/") && !("Bearer " + apiKey).equals(req.getHeader("authorization"))) {
            ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            return;
        }
        HttpServerResponse resp = ctx.response();
        resp.closeHandler(v -> abandoned.incrementAndGet());
        resp.putHeader("x-request-id", "sim_" + counter.incrementAndGet());
        resp.putHeader("x-ratelimit-limit-requests", "10000");
        resp.putHeader("x-ratelimit-remaining-requests", "9999");
        resp.putHeader("x-ratelimit-reset-requests", "6ms");
        resp.putHeader("set-cookie", "__sim_session=1; Path=/; HttpOnly");
        resp.putHeader("openai-version", "2020-10-01");
        ctx.next();
    }

    private void chat(RoutingContext ctx) {
        ChatRequest request = OpenAiChatDecoder.decode(parse(ctx));
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        HttpServerResponse resp = ctx.response();
        resp.putHeader("openai-processing-ms", Integer.toString(d.latencyMs()));
        if (d.status() >= 400) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> fail(resp, d));
            return;
        }
        if (!request.stream()) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json")
                    .end(Json.buffer(OpenAiChatEncoder.response(engine.response(request), request.model()))));
            return;
        }
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder(request.model(), request.includeUsage());
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
                resp.end("data: [DONE]\n\n");
            }

            @Override
            public void onError(UpstreamException error) {
                resp.reset();
            }
        });
    }

    private void embeddings(RoutingContext ctx) {
        EmbeddingRequest request = EmbeddingsHandler.decode(parse(ctx));
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, null);
        PacedEventSource.delayed(vertx, d.latencyMs(), () -> {
            if (d.status() >= 400) fail(ctx.response(), d);
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

    private static void fail(HttpServerResponse resp, SimDirectives d) {
        int status = d.status();
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
