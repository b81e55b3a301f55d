package dev.switchboard.http;

import dev.switchboard.admin.AdminApi;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonBodies;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.ingress.anthropic.CountTokensHandler;
import dev.switchboard.ingress.anthropic.MessagesHandler;
import dev.switchboard.ingress.gemini.EmbedContentHandler;
import dev.switchboard.ingress.gemini.GeminiModelsHandler;
import dev.switchboard.ingress.gemini.GenerateContentHandler;
import dev.switchboard.ingress.openai.ChatCompletionsHandler;
import dev.switchboard.ingress.openai.CompletionsHandler;
import dev.switchboard.ingress.openai.EmbeddingsHandler;
import dev.switchboard.ingress.openai.ModelsHandler;
import dev.switchboard.ingress.openai.responses.ResponsesHandler;
import dev.switchboard.ingress.openai.responses.StoredResponses;
import dev.switchboard.observe.Metrics;
import dev.switchboard.pipeline.Accounting;
import dev.switchboard.pipeline.Authenticate;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Drain;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.RequestStart;
import dev.switchboard.pipeline.ResponseStore;
import dev.switchboard.pipeline.Settle;
import dev.switchboard.transport.Bodies;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole route table. Every route starts with {@link RequestStart}; client routes then read
 * the body (bounded by {@code MAX_BODY_BYTES}) and authenticate; failures anywhere end in one
 * failure handler that renders the contract's error shape of the path's format: Anthropic's on
 * {@code /v1/messages*}, Gemini's on {@code /v1beta/*}, OpenAI's everywhere else.
 *
 * <p>Every endpoint here and in the admin resources is described in {@code openapi.json} (served
 * at {@code GET /openapi.json}), and {@code OpenApiParityTest} checks both ways that the two list
 * the same operations. A regex route is named with its OpenAPI path ({@code setName("/v1/models/{id}")}):
 * the test reads it there, and Vert.x reports it as the route's name to metrics.
 */
public final class Routes {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** What the routes need from the wiring. */
    /**
     * @param notReady why this instance should not get traffic now ({@code draining}, {@code store_unavailable}), or null
     */
    public record Deps(Vertx vertx, Dispatch dispatch, OutboundConnector connector, Authenticate authenticate, long maxBodyBytes,
                       List<String> corsOrigins, long pingMs, Supplier<String> notReady, AdminApi.Deps admin,
                       ResponseStore responses, Clock clock, Operations operations, Accounting accounting, Drain drain) {

        /** Routes that settle no usage and are never drained. */
        public Deps(Vertx vertx, Dispatch dispatch, OutboundConnector connector, Authenticate authenticate, long maxBodyBytes,
                    List<String> corsOrigins, long pingMs, Supplier<String> notReady, AdminApi.Deps admin,
                    ResponseStore responses, Clock clock, Operations operations) {
            this(vertx, dispatch, connector, authenticate, maxBodyBytes, corsOrigins, pingMs, notReady, admin, responses, clock,
                    operations, Accounting.none(), new Drain());
        }
    }

    /**
     * What the operations routes report.
     *
     * @param metricsToken when not null, {@code /metrics} wants {@code Authorization: Bearer <it>} ({@code METRICS_TOKEN})
     * @param readiness    extra fields of the readiness body (Redis's state when {@code REDIS_URL} is set)
     */
    public record Operations(Metrics metrics, String metricsToken, Supplier<Map<String, String>> readiness) {}

    /** The OpenAPI document, checked and compacted once when the class loads: a broken resource fails the start. */
    private static final byte[] OPENAPI = openApi();

    private Routes() {}

    public static Router build(Deps deps) {
        Router router = Router.router(deps.vertx());
        router.route().handler(new RequestStart(deps.accounting(), deps.drain()));
        if (!deps.corsOrigins().isEmpty()) {
            CorsHandler cors = CorsHandler.create()
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
                    .allowedHeaders(Set.of("authorization", "content-type", "x-api-key", "x-goog-api-key", "x-goog-api-client", "x-request-id",
                            "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access", "openai-beta", "openai-organization", "openai-project",
                            "x-switchboard-cache", "x-switchboard-cache-ttl", "x-switchboard-tags", "x-switchboard-trace",
                            "x-stainless-os", "x-stainless-lang", "x-stainless-package-version", "x-stainless-runtime",
                            "x-stainless-runtime-version", "x-stainless-arch", "x-stainless-retry-count", "x-stainless-timeout",
                            // the SDKs' streaming and polling helpers add these
                            "x-stainless-helper-method", "x-stainless-helper", "x-stainless-poll-helper", "x-stainless-custom-poll-interval"))
                    .exposedHeaders(Set.of("x-request-id", "x-switchboard-provider", "x-switchboard-deployment",
                            "x-switchboard-upstream-model", "x-switchboard-attempts", "x-switchboard-overhead-ms",
                            "x-switchboard-trace", "x-switchboard-cache", "retry-after", "retry-after-ms", "x-should-retry",
                            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
                            "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"));
            for (String origin : deps.corsOrigins()) cors.addOrigin(origin);
            router.route("/v1/*").handler(cors);
            router.route("/v1beta/*").handler(cors);
        }

        router.get("/health/live").handler(ctx -> json(ctx, 200, "{\"status\":\"ok\"}"));
        router.get("/health/ready").handler(ctx -> {
            String notReady = deps.notReady().get();
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", notReady != null ? notReady : "ok");
            body.putAll(deps.operations().readiness().get());
            if (notReady != null) ctx.response().putHeader("retry-after", "5").putHeader("retry-after-ms", "5000");
            json(ctx, notReady != null ? 503 : 200, Json.MAPPER.valueToTree(body).toString());
        });
        router.get("/metrics").handler(ctx -> metrics(ctx, deps.operations()));

        router.get("/openapi.json").handler(ctx -> Bodies.end(ctx.request(),
                ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON), Buffer.buffer(OPENAPI)));

        // preallocated from content-length (vertx-web caps it at 64 KiB): a 65-byte chat body no longer
        // starts in a 1 KiB buffer, and a long conversation is not grown and copied as it arrives
        Handler<RoutingContext> body = body(BodyHandler.create(false).setBodyLimit(deps.maxBodyBytes()).setHandleFileUploads(false)
                .setPreallocateBodyBuffer(true));
        router.post("/v1/*").handler(body);
        router.route("/v1/*").handler(deps.authenticate());
        router.post("/v1beta/*").handler(body);
        router.route("/v1beta/*").handler(deps.authenticate());
        router.route("/admin/*").handler(body);
        router.route("/admin/*").handler(deps.authenticate());
        router.post("/v1/chat/completions").handler(new ChatCompletionsHandler(deps.vertx(), deps.dispatch(), deps.pingMs()));
        router.post("/v1/completions").handler(new CompletionsHandler(deps.vertx(), deps.dispatch(), deps.pingMs()));
        router.post("/v1/messages").handler(new MessagesHandler(deps.vertx(), deps.dispatch(), deps.pingMs()));
        router.post("/v1/messages/count_tokens").handler(new CountTokensHandler(deps.vertx(), deps.connector()));
        router.post("/v1/responses").handler(new ResponsesHandler(deps.vertx(), deps.dispatch(), deps.responses(), deps.clock(), deps.pingMs()));
        StoredResponses stored = new StoredResponses(deps.responses());
        router.get("/v1/responses/:id").handler(stored::get);
        router.delete("/v1/responses/:id").handler(stored::delete);
        router.get("/v1/responses/:id/input_items").handler(stored::inputItems);
        router.post("/v1/embeddings").handler(new EmbeddingsHandler(deps.dispatch()));
        router.get("/v1/models").handler(ModelsHandler::list);
        regex(router, HttpMethod.GET, "/v1/models/(?<id>.+)", "/v1/models/{id}").handler(ModelsHandler::get);

        // Gemini: a model's methods follow a colon (models may hold colons and slashes themselves: the last colon wins)
        GenerateContentHandler gemini = new GenerateContentHandler(deps.vertx(), deps.dispatch(), deps.pingMs());
        regex(router, HttpMethod.POST, "/v1beta/models/(?<model>.+):generateContent", "/v1beta/models/{model}:generateContent")
                .handler(gemini::generate);
        regex(router, HttpMethod.POST, "/v1beta/models/(?<model>.+):streamGenerateContent", "/v1beta/models/{model}:streamGenerateContent")
                .handler(gemini::stream);
        regex(router, HttpMethod.POST, "/v1beta/models/(?<model>.+):countTokens", "/v1beta/models/{model}:countTokens")
                .handler(new dev.switchboard.ingress.gemini.CountTokensHandler(deps.vertx(), deps.connector()));
        EmbedContentHandler embed = new EmbedContentHandler(deps.dispatch());
        regex(router, HttpMethod.POST, "/v1beta/models/(?<model>.+):embedContent", "/v1beta/models/{model}:embedContent")
                .handler(embed);
        regex(router, HttpMethod.POST, "/v1beta/models/(?<model>.+):batchEmbedContents", "/v1beta/models/{model}:batchEmbedContents")
                .handler(embed::batch);
        router.get("/v1beta/models").handler(GeminiModelsHandler::list);
        // a colon in a GET is the model's own (gem:v2), as a slash is, unless it names one of the
        // methods above (a GET on model:generateContent is answered 405, allow POST)
        regex(router, HttpMethod.GET, "/v1beta/models/(?<model>.+)(?<!:(?:generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents))",
                "/v1beta/models/{model}").handler(GeminiModelsHandler::get);

        // after the client API: a request tries the routes in order, and the admin API's dozens of
        // path-parameter routes (regular expressions) cost the chat path 2% of its CPU when they came first
        AdminApi.mount(router, deps.admin(), deps.vertx(), deps.connector());

        // HEAD is GET without the body (RFC 9110 9.3.2): every GET route takes it; Vert.x sends no body on HTTP/1.1
        for (Route route : router.getRoutes()) {
            if (route.methods() != null && route.methods().contains(HttpMethod.GET)) route.method(HttpMethod.HEAD);
        }
        router.route().failureHandler(Routes::failure);
        router.errorHandler(404, ctx -> ErrorRenderer.render(ctx.request(), ctx.response(),
                GatewayError.of(ErrorKind.NOT_FOUND, "No route for " + ctx.request().method() + " " + ctx.request().path() + ".")));
        List<Endpoint> endpoints = endpoints(router);
        router.errorHandler(405, ctx -> {
            // a POST under /v1beta/models/ names a method (model:generateContent), one under
            // /v1/responses/ that names no response (resp_…) an operation (OpenAI's compact,
            // input_tokens): what this gateway does not have, 404 as their APIs answer, not a 405
            String path = ctx.request().path();
            if (ctx.request().method() == HttpMethod.POST
                    && (path.startsWith("/v1beta/models/") || path.startsWith("/v1/responses/") && !path.startsWith("/v1/responses/resp_"))) {
                ErrorRenderer.render(ctx.request(), ctx.response(),
                        GatewayError.of(ErrorKind.NOT_FOUND, "No route for " + ctx.request().method() + " " + ctx.request().path() + "."));
                return;
            }
            ctx.response().putHeader("allow", allow(endpoints, ctx.request().path()));
            ErrorRenderer.render(ctx.request(), ctx.response(),
                    GatewayError.of(ErrorKind.METHOD_NOT_ALLOWED, "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + "."));
        });
        return router;
    }

    /** A route that answers requests (not one that reads bodies or authenticates on the way): its path and methods. */
    private record Endpoint(Pattern path, Set<HttpMethod> methods) {}

    private static final String PATTERN = "switchboard.pattern";
    private static final List<HttpMethod> METHOD_ORDER = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

    /** A route by regular expression, named for metrics and logs, which keeps its pattern for {@link #allow}. */
    private static Route regex(Router router, HttpMethod method, String regex, String name) {
        return router.routeWithRegex(method, regex).setName(name).putMetadata(PATTERN, Pattern.compile(regex));
    }

    private static List<Endpoint> endpoints(Router router) {
        List<Endpoint> out = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            if (route.methods() == null || route.methods().isEmpty()) continue;
            Pattern path = route.getMetadata(PATTERN);
            if (path == null && route.getPath() != null && route.isExactPath()) {
                path = Pattern.compile(Arrays.stream(route.getPath().split("/", -1))
                        .map(segment -> segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment)).collect(Collectors.joining("/")));
            }
            if (path != null) out.add(new Endpoint(path, route.methods()));
        }
        return out;
    }

    /** The {@code Allow} header of a 405 (RFC 9110 15.5.6): the methods the path is served with. */
    private static String allow(List<Endpoint> endpoints, String path) {
        Set<HttpMethod> allowed = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (e.path().matcher(path).matches()) allowed.addAll(e.methods());
        }
        return METHOD_ORDER.stream().filter(allowed::contains).map(HttpMethod::name).collect(Collectors.joining(", "));
    }

    private static void failure(RoutingContext ctx) {
        Exchange gone = Exchange.of(ctx);
        // the client went away (an HTTP/1 connection closed, or an HTTP/2 stream reset, which leaves
        // the response open but cancels the exchange): nobody to answer, nothing went wrong here
        if (ctx.response().closed() || gone != null && gone.cancellation().cancelled()) {
            Settle.failed(gone, 499);
            return;
        }
        Throwable t = ctx.failure();
        GatewayError e;
        if (t instanceof GatewayError g) {
            e = g;
        } else {
            e = switch (ctx.statusCode()) {
                case 413 -> GatewayError.of(ErrorKind.REQUEST_TOO_LARGE, "The request body is larger than this gateway accepts.");
                case 400 -> GatewayError.invalid(null, "The request could not be read.");
                case 403 -> GatewayError.of(ErrorKind.ORIGIN_NOT_ALLOWED, "This origin may not call the API (CORS_ORIGINS).");
                case 404 -> GatewayError.of(ErrorKind.NOT_FOUND, "Not found.");
                case 405 -> GatewayError.of(ErrorKind.METHOD_NOT_ALLOWED, "Method not allowed.");
                default -> {
                    LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), t);
                    yield GatewayError.of(ErrorKind.INTERNAL, "The gateway failed to handle the request.");
                }
            };
        }
        if (ctx.response().headWritten()) {
            if (!ctx.response().ended()) ctx.response().reset();
            return;
        }
        Exchange ex = Exchange.of(ctx);
        if (ex != null) RoutingHeaders.attempts(ctx.response(), ex);
        Settle.failed(ex, e.status());
        ErrorRenderer.render(ctx.request(), ctx.response(), e);
    }

    private static byte[] openApi() {
        try (InputStream in = Routes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the classpath");
            return Json.MAPPER.writeValueAsBytes(Json.parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json cannot be read: " + e.getMessage(), e);
        }
    }

    /** Prometheus text; behind {@code METRICS_TOKEN} when it is set (compared in constant time). */
    private static void metrics(RoutingContext ctx, Operations ops) {
        if (ops.metricsToken() != null) {
            String auth = ctx.request().getHeader("authorization");
            byte[] expected = ops.metricsToken().getBytes(StandardCharsets.UTF_8);
            // the scheme's case is the client's to choose (RFC 9110); the token is compared in constant time
            boolean bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7);
            if (!bearer || !MessageDigest.isEqual(expected, auth.substring(7).getBytes(StandardCharsets.UTF_8))) {
                ErrorRenderer.render(ctx.request(), ctx.response(),
                        GatewayError.of(ErrorKind.INVALID_API_KEY, "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>."));
                return;
            }
        }
        Bodies.end(ctx.request(), ctx.response().putHeader(Headers.CONTENT_TYPE, Metrics.CONTENT_TYPE), ops.metrics().render());
    }

    /**
     * vertx-web's body handler, reading every body as bytes. Given a form's content type it asks
     * Vert.x to decode the form as it arrives, and without file uploads it hears no failure of that
     * decoding: a body over 1 KB, or with a stray {@code %}, left the request unanswered. The gateway
     * takes only JSON, which decides by the bytes ({@code curl -d} sends JSON as a form), so the
     * handler is shown a neutral type, and the form's is kept for the 415 of a body that is no JSON.
     */
    private static Handler<RoutingContext> body(BodyHandler handler) {
        return ctx -> {
            String type = ctx.request().getHeader(Headers.CONTENT_TYPE);
            if (JsonBodies.isForm(type)) {
                ctx.put(JsonBodies.FORM_TYPE, type);
                ctx.request().headers().set(Headers.CONTENT_TYPE, "application/octet-stream");
            }
            handler.handle(ctx);
        };
    }

    private static void json(RoutingContext ctx, int status, String body) {
        Bodies.end(ctx.request(), ctx.response().setStatusCode(status).putHeader("content-type", "application/json"), body);
    }
}
