package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Errors on {@code /v1/messages*} over raw HTTP, in Anthropic's shape
 * {@code {"type":"error","error":{"type","message"},"request_id"}} with Anthropic's types and the
 * contract's statuses and retry headers; the message names the offending field, since the shape
 * has no {@code param}. Other paths keep their own shapes.
 */
class AnthropicErrorsTest {

    static GatewayFixture gw;

    /** Faults a test provokes must not leave circuits open for the next test. */
    @BeforeEach
    void resetRouting() {
        gw.resetRouting();
    }

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().env("MAX_BODY_BYTES", "4096").config("""
                models:
                  claude-sim:
                    - { provider: simulator, upstreamModel: echo }
                  broken:
                    - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-status: "500" } }
                  slow:
                    - { provider: simulator, upstreamModel: echo, timeouts: { totalMs: 200 } }
                """).start();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url(path))).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("x-api-key", key);
        return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> messages(String body) throws Exception {
        return post("/v1/messages", body, GatewayFixture.MASTER_KEY);
    }

    /** Checks the Anthropic shape and returns the inner error. */
    static JsonNode anthropicError(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(type);
        assertThat(body.at("/error/message").asText()).isNotBlank();
        assertThat(body.path("error").has("param")).isFalse();
        assertThat(body.get("request_id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(r.headers().firstValue("request-id")).isEqualTo(r.headers().firstValue("x-request-id"));
        return body.get("error");
    }

    @Test
    void missingMaxTokens_is400NamingIt() throws Exception {
        JsonNode e = anthropicError(messages("{\"model\":\"claude-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error");
        assertThat(e.get("message").asText()).contains("'max_tokens'");
    }

    @Test
    void missingModelOrMessages_malformedJson_wrongTypes_are400NamingTheField() throws Exception {
        assertThat(anthropicError(messages("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error").get("message").asText()).contains("'model'");
        assertThat(anthropicError(messages("{\"model\":\"claude-sim\",\"max_tokens\":5}"), 400, "invalid_request_error")
                .get("message").asText()).contains("'messages'");
        anthropicError(messages("{\"model\":"), 400, "invalid_request_error");
        assertThat(anthropicError(messages("{\"model\":\"claude-sim\",\"max_tokens\":\"five\",\"messages\":[]}"), 400,
                "invalid_request_error").get("message").asText()).contains("'messages'");
        assertThat(anthropicError(messages("{\"model\":\"claude-sim\",\"max_tokens\":\"five\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_request_error")
                .get("message").asText()).contains("'max_tokens'");
        assertThat(anthropicError(messages("{\"model\":\"claude-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\"}}]}]}"), 400,
                "invalid_request_error").get("message").asText()).contains("'messages[0].content[0].source.data'");
        assertThat(anthropicError(messages("{\"model\":\"claude-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"tool\","
                + "\"content\":\"hi\"}]}"), 400, "invalid_request_error").get("message").asText()).contains("'messages[0].role'");
    }

    @Test
    void keys_missingOrUnknown_are401_andXApiKeyIsRead() throws Exception {
        String ok = "{\"model\":\"claude-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(anthropicError(post("/v1/messages", ok, null), 401, "authentication_error").get("message").asText())
                .as("names the header Anthropic's SDKs send").contains("'x-api-key: <key>'");
        anthropicError(post("/v1/messages", ok, "sk-sb-unknown-000000000000000000000000000000000"), 401, "authentication_error");
        anthropicError(post("/v1/messages/count_tokens", ok, null), 401, "authentication_error");
        assertThat(post("/v1/messages", ok, GatewayFixture.MASTER_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownModel_is404NotFoundError() throws Exception {
        JsonNode e = anthropicError(messages("{\"model\":\"nope\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                404, "not_found_error");
        assertThat(e.get("message").asText()).contains("'nope'");
    }

    @Test
    void bodyOverTheLimit_is413RequestTooLarge() throws Exception {
        String big = "{\"model\":\"claude-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        anthropicError(messages(big), 413, "request_too_large");
    }

    @Test
    void providerFailure_is502ApiError_withoutRetryAgain() throws Exception {
        HttpResponse<String> r = messages("{\"model\":\"broken\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        anthropicError(r, 502, "api_error");
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
    }

    @Test
    void providerThrottle_is429RateLimitError_withRetryHeaders() throws Exception {
        HttpResponse<String> r = messages("{\"model\":\"claude-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"[sim status=429 retry_after=3] hi\"}]}");
        anthropicError(r, 429, "rate_limit_error");
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");
        assertThat(r.headers().firstValue("retry-after-ms")).hasValue("3000");
    }

    @Test
    void providerTimeout_is504TimeoutError() throws Exception {
        anthropicError(messages("{\"model\":\"slow\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"[sim latency_ms=2000] hi\"}]}"), 504, "timeout_error");
    }

    @Test
    void wrongMethodOrPath_underMessages_answerInAnthropicsShape() throws Exception {
        HttpResponse<String> get = gw.get("/v1/messages");
        anthropicError(get, 405, "invalid_request_error");
        anthropicError(post("/v1/messages/batches-nope", "{}", GatewayFixture.MASTER_KEY), 404, "not_found_error");
    }

    @Test
    void otherPaths_keepTheirShapes() throws Exception {
        HttpResponse<String> openAi = gw.post("/v1/chat/completions", "{\"model\":");
        assertThat(openAi.statusCode()).isEqualTo(400);
        assertThat(Json.parse(openAi.body()).at("/error/code").asText()).isEqualTo("invalid_request");
        HttpResponse<String> gemini = gw.get("/v1beta/no-such-route");
        assertThat(gemini.statusCode()).isEqualTo(404);
        JsonNode g = Json.parse(gemini.body());
        assertThat(g.at("/error/code").asInt()).isEqualTo(404);
        assertThat(g.at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(g.at("/error/message").asText()).isNotBlank();
    }

    @Test
    void countTokens_needsNoMaxTokens_butChecksTheRest() throws Exception {
        HttpResponse<String> r = post("/v1/messages/count_tokens",
                "{\"model\":\"claude-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", GatewayFixture.MASTER_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.parse(r.body()).get("input_tokens").asLong()).isEqualTo(3 + 3 + 1);
        assertThat(anthropicError(post("/v1/messages/count_tokens", "{\"model\":\"claude-sim\",\"messages\":\"hi\"}",
                GatewayFixture.MASTER_KEY), 400, "invalid_request_error").get("message").asText()).contains("'messages'");
    }
}
