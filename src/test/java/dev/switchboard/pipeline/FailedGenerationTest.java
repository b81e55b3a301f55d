package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
 * An answer a provider ends in failure is a failed attempt, never a finished answer: Gemini's
 * finishReason OTHER or MALFORMED_FUNCTION_CALL, and a throttle reported inside a stream keeps
 * its kind. A fake upstream on loopback answers in those ways.
 */
class FailedGenerationTest {

    static Vertx vertx;
    static HttpServer upstream;
    static final AtomicInteger generateCalls = new AtomicInteger();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            String path = req.path();
            if (path.endsWith(":generateContent")) {
                generateCalls.incrementAndGet();
                req.response().putHeader("content-type", "application/json").end("""
                        {"candidates":[{"content":{"role":"model","parts":[{"text":"half"}]},"finishReason":"MALFORMED_FUNCTION_CALL","index":0}],
                         "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4}}""");
            } else if (path.endsWith(":streamGenerateContent")) {
                req.response().putHeader("content-type", "text/event-stream").end("""
                        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"half"}]},"index":0}]}

                        data: {"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"OTHER","index":0}]}

                        """);
            } else if (path.equals("/v1/chat/completions")) {
                req.response().putHeader("content-type", "text/event-stream").end("""
                        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"one"},"finish_reason":null}]}

                        data: {"error":{"type":"rate_limit_error","code":"rate_limit_exceeded","message":"slow down"}}

                        """);
            } else {
                req.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // one deployment a test: the failures of one open its circuit
        gw = GatewayFixture.builder().config("""
                models:
                  gem:
                    - { provider: gemini, upstreamModel: g, baseUrl: "http://127.0.0.1:%1$d", credentials: { apiKey: x } }
                  gems:
                    - { provider: gemini, upstreamModel: g2, baseUrl: "http://127.0.0.1:%1$d", credentials: { apiKey: x } }
                  oai:
                    - { provider: openai-compatible, upstreamModel: m, baseUrl: "http://127.0.0.1:%1$d/v1" }
                """.formatted(upstream.actualPort())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMalformedCall_isAFailedAttempt_triedAgain_then502() throws Exception {
        int before = generateCalls.get();
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"gem\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(generateCalls.get() - before).as("tried again, as a 5xx is").isGreaterThan(1);
    }

    @Test
    void aStreamEndedInFailure_endsWithAnErrorEvent_notAFinish() {
        HttpResponse<String> r = gw.post("/v1/chat/completions",
                "{\"model\":\"gems\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"half\"").contains("data: {\"error\":").endsWith("data: [DONE]\n\n");
        assertThat(r.body()).doesNotContain("\"finish_reason\":\"stop\"");
    }

    @Test
    void aThrottleInsideAStream_keepsItsKind() {
        HttpResponse<String> r = gw.post("/v1/messages",
                "{\"model\":\"oai\",\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("event: error").contains("\"type\":\"rate_limit_error\"");
    }
}
