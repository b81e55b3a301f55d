package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class CorsTest {

    /** A browser's preflight of a POST to {@code path} from the listed origin, asking for {@code headers}. */
    private static HttpResponse<String> preflight(GatewayFixture gw, String path, String headers) throws Exception {
        return gw.http().send(HttpRequest.newBuilder(URI.create(gw.url(path)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void corsOrigins_allowListedOriginOnly() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().env("CORS_ORIGINS", "https://app.example.com").start()) {
            HttpResponse<String> preflight = preflight(gw, "/v1/chat/completions", "authorization,content-type,x-stainless-helper-method");
            assertThat(preflight.statusCode()).isBetween(200, 204);
            assertThat(preflight.headers().firstValue("access-control-allow-headers").orElse(""))
                    .as("what the SDKs' stream helpers send").contains("x-stainless-helper-method");
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
            HttpResponse<String> gemini = preflight(gw, "/v1beta/models/demo:generateContent", "content-type,x-goog-api-client,x-goog-api-key");
            assertThat(gemini.headers().firstValue("access-control-allow-headers").orElse(""))
                    .as("what @google/genai sends from a browser").contains("x-goog-api-client").contains("x-goog-api-key");
            HttpResponse<String> get = gw.get("/v1/models", "Origin", "https://app.example.com");
            assertThat(get.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
            assertThat(get.headers().firstValue("access-control-expose-headers").orElseThrow())
                    .contains("x-should-retry").contains("retry-after-ms").contains("x-request-id");
            HttpResponse<String> other = gw.get("/v1/models", "Origin", "https://evil.example.com");
            assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.body()).contains("origin_not_allowed");
        }
    }

    @Test
    void noCorsOrigins_noCorsHeaders() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().start()) {
            HttpResponse<String> get = gw.get("/v1/models", "Origin", "https://app.example.com");
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }
}
