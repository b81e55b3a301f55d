package dev.switchboard.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code x-switchboard-upstream-model} names the model the provider says answered (Anthropic resolves
 * an alias such as {@code claude-sonnet-4-5} to a dated id), whether the answer was translated or
 * passed through.
 */
class UpstreamModelHeaderTest {

    static Vertx vertx;
    static HttpServer upstream;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body ->
                req.response().putHeader("content-type", "application/json").end("""
                        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                         "content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,
                         "usage":{"input_tokens":3,"output_tokens":1}}""")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = GatewayFixture.builder().config("""
                models:
                  claude:
                    - { provider: anthropic, upstreamModel: claude-sonnet-4-5, baseUrl: "http://127.0.0.1:%d", credentials: { apiKey: x } }
                """.formatted(upstream.actualPort())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTranslatedAnswer_namesTheModelTheProviderSaysAnswered() {
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("claude-sonnet-4-5-20250929");
    }

    @Test
    void aNativeAnswer_too() {
        HttpResponse<String> r = gw.post("/v1/messages", "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("claude-sonnet-4-5-20250929");
    }
}
