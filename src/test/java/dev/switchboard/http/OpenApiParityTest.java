package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.AdminApi;
import dev.switchboard.pipeline.Authenticate;
import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} and the router agree, operation by operation, both ways: a route added
 * without a document entry fails here, and so does a documented operation with no route.
 *
 * <p>The router's side comes from {@link Router#getRoutes()} of a router built by
 * {@link Routes#build}: a route with a method and an exact path is an operation ({@code :id}
 * becomes {@code {id}}); a regex route is an operation under its name, which {@link Routes} sets to
 * the OpenAPI path; routes with a wildcard path or none at all ({@code /v1/*}, {@code route()}) are
 * middleware and ignored. An exact path with no method would answer every method: it is listed as
 * {@code ANY /path}, which no document entry matches, so it fails until it declares its methods.
 */
class OpenApiParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern VERTX_PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");
    /** Segments are literals or {@code {param}}, which may carry a Google-style custom method ({@code {model}:generateContent}). */
    private static final Pattern OPENAPI_PATH = Pattern.compile("(/([A-Za-z0-9._~-]+|\\{[A-Za-z_][A-Za-z0-9_]*}(:[A-Za-z]+)?))+");

    private static GatewayFixture gw;
    private static HttpResponse<String> served;
    private static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.builder().start();
        served = send("GET", "/openapi.json", null, null);
        doc = JSON.readTree(served.body());
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    @Test
    void openApiJson_isServedWithoutAKey_asTheResource() throws Exception {
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(served.headers().firstValue("x-request-id")).isPresent();
        try (InputStream in = Routes.class.getResourceAsStream("/openapi.json")) {
            assertThat(doc).isEqualTo(JSON.readTree(in));
        }
        HttpResponse<String> wrongKey = send("GET", "/openapi.json", null, "sk-sb-not-a-key");
        assertThat(wrongKey.statusCode()).isEqualTo(200);
    }

    @Test
    void documentAndRouter_listTheSameOperations() {
        List<String> unmapped = new ArrayList<>();
        SortedSet<String> routes = routerOperations(unmapped);
        SortedSet<String> documented = documentOperations().keySet().stream().collect(TreeSet::new, Set::add, Set::addAll);

        SortedSet<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(documented);
        SortedSet<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routes);
        if (!undocumented.isEmpty() || !unrouted.isEmpty() || !unmapped.isEmpty()) {
            fail("The router and src/main/resources/openapi.json disagree."
                    + "\n  routes the document lacks: " + undocumented
                    + "\n  documented operations the router lacks: " + unrouted
                    + "\n  routes that cannot be mapped to an OpenAPI path: " + unmapped);
        }
        assertThat(routes).contains("GET /openapi.json", "GET /v1/models/{id}", "DELETE /admin/fallbacks/{primaryModel}/{reason}",
                "POST /admin/keys/{id}/rotate");
    }

    @Test
    void document_isOpenApi31_withRelativeServers() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        assertThat(doc.path("paths").isObject()).isTrue();
        doc.path("servers").forEach(s -> assertThat(s.path("url").asText()).startsWith("/"));
        assertThat(doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void everyOperation_hasAUniqueOperationId_aSummary_andASuccessResponse() {
        Map<String, String> ids = new HashMap<>();
        List<String> problems = new ArrayList<>();
        documentOperations().forEach((operation, node) -> {
            String id = node.path("operationId").asText("");
            if (id.isBlank()) problems.add(operation + ": no operationId");
            else if (ids.putIfAbsent(id, operation) != null) problems.add(operation + ": operationId '" + id + "' also on " + ids.get(id));
            if (node.path("summary").asText("").isBlank()) problems.add(operation + ": no summary");
            boolean success = false;
            for (var it = node.path("responses").fieldNames(); it.hasNext(); ) {
                String status = it.next();
                if (!status.matches("[1-5][0-9X]{2}|default")) problems.add(operation + ": response key '" + status + "'");
                success |= status.startsWith("2");
            }
            if (!success) problems.add(operation + ": no 2xx response");
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRef_resolvesWithinTheDocument() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        List<String> broken = refs.stream().filter(r -> !r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode()).distinct().toList();
        assertThat(broken).as("$refs that do not resolve within the document").isEmpty();
    }

    @Test
    void everyPathTemplateParameter_isDeclaredAsARequiredPathParameter() {
        List<String> problems = new ArrayList<>();
        documentOperations().forEach((operation, node) -> {
            String path = operation.substring(operation.indexOf(' ') + 1);
            Set<String> inTemplate = new HashSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(path);
            while (m.find()) inTemplate.add(m.group(1));
            Set<String> declared = new HashSet<>();
            List<JsonNode> params = new ArrayList<>();
            doc.path("paths").path(path).path("parameters").forEach(params::add);
            node.path("parameters").forEach(params::add);
            for (JsonNode p : params) {
                JsonNode param = resolve(p);
                if (!"path".equals(param.path("in").asText())) continue;
                declared.add(param.path("name").asText());
                if (!param.path("required").asBoolean()) problems.add(operation + ": path parameter " + param.path("name") + " not required");
            }
            if (!declared.equals(inTemplate)) problems.add(operation + ": template has " + inTemplate + ", path parameters " + declared);
        });
        assertThat(problems).isEmpty();
    }

    /** Catches a regex route whose name (its OpenAPI path) does not match its pattern: the router must dispatch every operation. */
    @Test
    void everyDocumentedOperation_reachesAHandlerOfTheRunningGateway() {
        List<String> problems = new ArrayList<>();
        documentOperations().forEach((operation, node) -> {
            HttpResponse<String> r = call(operation, node, GatewayFixture.MASTER_KEY);
            boolean noRoute = r.statusCode() == 405 || r.statusCode() == 404 && r.body().contains("No route for");
            if (noRoute) problems.add(operation + " -> " + r.statusCode() + " " + r.body());
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void documentedSecurity_isWhatTheGatewayEnforces() {
        List<String> problems = new ArrayList<>();
        documentOperations().forEach((operation, node) -> {
            JsonNode security = node.has("security") ? node.get("security") : doc.path("security");
            boolean needsKey = !security.isEmpty();
            for (JsonNode requirement : security) needsKey &= !requirement.isEmpty(); // {} makes auth optional
            int status = call(operation, node, null).statusCode();
            if (needsKey && status != 401) problems.add(operation + " documents a key but answered " + status + " without one");
            if (!needsKey && status == 401) problems.add(operation + " documents no key but answered 401 without one");
        });
        assertThat(problems).isEmpty();
    }

    // ------------------------------------------------------------------ the two sides

    /** "METHOD /path" of every endpoint route, in OpenAPI's spelling; what cannot be mapped goes to {@code unmapped}. */
    private static SortedSet<String> routerOperations(List<String> unmapped) {
        Vertx vertx = Vertx.vertx();
        try {
            SortedSet<String> out = new TreeSet<>();
            for (Route route : buildRouter(vertx).getRoutes()) {
                String path;
                if (route.getPath() != null && route.isExactPath()) {
                    path = VERTX_PARAM.matcher(route.getPath()).replaceAll("{$1}");
                } else if (route.getPath() == null && route.isRegexPath()) {
                    path = route.getName();
                    if (path == null || !OPENAPI_PATH.matcher(path).matches()) {
                        unmapped.add("regex route '" + path + "': name it with its OpenAPI path, .setName(\"/…/{param}\")");
                        continue;
                    }
                } else {
                    continue; // middleware: every request, or a wildcard prefix such as /v1/*
                }
                Set<HttpMethod> methods = route.methods(); // null when the route takes every method
                if (methods == null || methods.isEmpty()) out.add("ANY " + path);
                // HEAD rides along with every GET (Routes adds it); the document, like HTTP, implies it
                else methods.stream().filter(m -> !(m == HttpMethod.HEAD && methods.contains(HttpMethod.GET)))
                        .forEach(m -> out.add(m.name() + " " + path));
            }
            return out;
        } finally {
            vertx.close();
        }
    }

    /**
     * The route table as the gateway builds it, every optional part on (CORS). Handlers are only
     * constructed here, never called, so what they would use at request time can be absent.
     */
    private static Router buildRouter(Vertx vertx) {
        return Routes.build(new Routes.Deps(vertx, null, null, new Authenticate(null, null), 1024, List.of("https://app.example.com"),
                15_000, () -> null, new AdminApi.Deps(null, null, null, null, null, null), null, null,
                new Routes.Operations(new dev.switchboard.observe.Metrics(), null, java.util.Map::of)));
    }

    /** "METHOD /path" of every documented operation, with its operation object. */
    private static Map<String, JsonNode> documentOperations() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (HTTP_METHODS.contains(op.getKey())) out.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
        }));
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Calls a documented operation with harmless inputs: path parameters filled with a sample (the
     * first enum value where there is one), and a malformed body where one is taken, so no write
     * can succeed.
     */
    private static HttpResponse<String> call(String operation, JsonNode node, String key) {
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation.substring(operation.indexOf(' ') + 1);
        Map<String, String> samples = new HashMap<>();
        for (JsonNode p : node.path("parameters")) {
            JsonNode param = resolve(p);
            JsonNode schema = resolve(param.path("schema"));
            samples.put(param.path("name").asText(), schema.has("enum") ? schema.get("enum").get(0).asText() : "sample");
        }
        Matcher m = TEMPLATE_PARAM.matcher(path);
        String concrete = m.replaceAll(r -> samples.getOrDefault(r.group(1), "sample"));
        try {
            return send(method, concrete, node.has("requestBody") ? "[" : null, key);
        } catch (Exception e) {
            throw new IllegalStateException(operation, e);
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        // HTTP/1.1: the JDK client's h2c upgrade loses part of a large answer that follows the 101 at
        // once (about 1 in 100 under load; curl 7.88 refuses such an answer outright), and the
        // document is the largest answer there is
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url(path))).version(java.net.http.HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("content-type", "application/json");
        if (key != null) b.header("authorization", "Bearer " + key);
        return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows {@code $ref} chains within the document. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        for (int i = 0; i < 10 && n.has("$ref"); i++) n = doc.at(n.get("$ref").asText().substring(1));
        return n;
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
