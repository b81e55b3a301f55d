package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider's 400 names a field of its own format. The client is shown that {@code param} when it
 * sent that format (native passthrough: the field is the client's own), and none when its request
 * was translated (a Responses or legacy completions client never sent {@code messages}).
 */
class ProviderParamTest {

    static Vertx vertx;
    static HttpServer upstream;
    static final AtomicInteger calls = new AtomicInteger();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            calls.incrementAndGet();
            req.response().setStatusCode(400).putHeader("content-type", "application/json").end("""
                    {"error":{"message":"Invalid type for 'messages[0].content'.","type":"invalid_request_error",
                     "param":"messages[0].content","code":"invalid_type"}}""");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = GatewayFixture.builder().config("""
                models:
                  oai:
                    - { provider: openai-compatible, upstreamModel: m, baseUrl: "http://127.0.0.1:%d/v1" }
                """.formatted(upstream.actualPort())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNativeRequest_isShownTheProvidersParam() throws Exception {
        JsonNode error = refused("/v1/chat/completions", "{\"model\":\"oai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(error.path("param").asText()).isEqualTo("messages[0].content");
    }

    @Test
    void aTranslatedRequest_isShownNoParam_ratherThanOneItNeverSent() throws Exception {
        JsonNode responses = refused("/v1/responses", "{\"model\":\"oai\",\"input\":\"hi\"}");
        JsonNode legacy = refused("/v1/completions", "{\"model\":\"oai\",\"prompt\":\"hi\"}");

        assertThat(responses.get("param").isNull()).as(responses.toString()).isTrue();
        assertThat(legacy.get("param").isNull()).as(legacy.toString()).isTrue();
    }

    /** The request reached the provider once and was answered 400 invalid_request_error; its error object. */
    private static JsonNode refused(String path, String body) throws Exception {
        int before = calls.get();
        HttpResponse<String> r = gw.post(path, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(calls.get() - before).isEqualTo(1);
        JsonNode error = Json.parse(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).doesNotContain("Invalid type"); // the provider's wording stays in the log
        return error;
    }
}
