package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import dev.switchboard.usage.TokenEstimator;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streams and upstream failures over raw HTTP: SSE headers, keep-alive pings while the upstream
 * is silent, a client disconnect cancelling the upstream, deadlines before and after the commit
 * point, throttles and retries.
 */
class StreamingAndFailuresTest extends SimulatorBackedTest {


    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().pingMs(100).config("""
                models:
                  sim:
                    - { provider: openai-compatible, upstreamModel: up, baseUrl: %1$s }
                  slow-start:
                    - provider: openai-compatible
                      upstreamModel: up
                      baseUrl: %1$s
                      timeouts: { firstTokenMs: 300, idleMs: 400 }
                  broken:
                    - { provider: openai-compatible, upstreamModel: up, baseUrl: %1$s, extraHeaders: { x-sim-status: "503" } }
                  mixed:
                    - { provider: openai-compatible, upstreamModel: bad, baseUrl: %1$s, extraHeaders: { x-sim-status: "500" } }
                    - { provider: openai-compatible, upstreamModel: good, baseUrl: %1$s }
                  sim-deadlines:
                    - { provider: simulator, upstreamModel: echo, timeouts: { firstTokenMs: 300, idleMs: 300, totalMs: 600 } }
                  outside:
                    - { provider: openai, upstreamModel: gpt-4o-mini, baseUrl: "https://api.openai.com/v1", credentials: { apiKey: sk-not-real } }
                """.formatted(sim.baseUrl())).start();
    }



    static String chat(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }



    @Test
    void stream_hasSseHeadersAndEndsWithDone() throws Exception {
        HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions", chat("sim", "a b c", true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        List<String> lines = GatewayFixture.lines(r);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(lines).allMatch(l -> l.startsWith("data: "));
    }

    @Test
    void stream_silentUpstream_getsKeepAlivePingsAfterCommit() throws Exception {
        HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions", chat("sim", "[sim token_ms=450] a b", true));
        List<String> lines = GatewayFixture.lines(r);
        int firstData = lines.indexOf(lines.stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow());
        assertThat(lines.subList(firstData, lines.size())).contains(": ping");
        assertThat(lines.indexOf(": ping")).isGreaterThan(firstData);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    }

    @Test
    void stream_clientDisconnect_cancelsUpstream() throws Exception {
        long before = sim.abandoned();
        HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions", chat("sim", "[sim stall_after=2] a b c d", true));
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).startsWith("data: ");
        in.close();
        Await.until(() -> sim.abandoned() > before, Duration.ofSeconds(10));
        assertThat(sim.abandoned()).isEqualTo(before + 1);
    }

    @Test
    void json_clientDisconnectBeforeAnswer_cancelsUpstream() throws Exception {
        long before = sim.abandoned();
        String body = chat("sim", "[sim latency_ms=5000] hi", false);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gw.gateway().port())) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture.MASTER_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
            s.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            Await.until(() -> !sim.received().isEmpty(), Duration.ofSeconds(5));
            assertThat(sim.received()).hasSize(1);
        }
        Await.until(() -> sim.abandoned() > before, Duration.ofSeconds(4));
        assertThat(sim.abandoned()).as("the upstream call was reset before the simulator answered").isEqualTo(before + 1);
        assertThat(sim.received()).hasSize(1);
    }

    @Test
    void stream_firstTokenDeadline_beforeCommit_is504() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("slow-start", "[sim latency_ms=3000] hi", true));
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("timeout");
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
    }

    @Test
    void stream_idleDeadline_afterCommit_endsWithErrorEventThenDone() throws Exception {
        HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions", chat("slow-start", "[sim stall_after=3] a b c d e", true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> lines = GatewayFixture.lines(r).stream().filter(l -> !l.startsWith(":")).toList();
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        JsonNode error = Json.parse(lines.get(lines.size() - 2).substring(6)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("timeout");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
    }

    @Test
    void inProcessSimulator_honoursTheDeploymentsDeadlines() throws Exception {
        HttpResponse<String> json = gw.post("/v1/chat/completions", chat("sim-deadlines", "[sim latency_ms=100000] hi", false));
        assertThat(json.statusCode()).isEqualTo(504);
        gw.resetRouting(); // three timeouts in a row opened the deployment's circuit
        List<String> lines = GatewayFixture.lines(gw.openStream("/v1/chat/completions", chat("sim-deadlines", "[sim stall_after=2] a b c d", true)));
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(Json.parse(lines.get(lines.size() - 2).substring(6)).at("/error/code").asText()).isEqualTo("timeout");
    }

    @Test
    void stream_providerReportingNoUsage_endsWithTheEstimate_aLongPromptCountedOffTheEventLoop() throws Exception {
        // over TokenEstimator's inline limit: the count runs on a worker, and the stream's end waits for it
        String text = "[sim no_usage=1] " + "many words of a long prompt ".repeat(120);
        String body = "{\"model\":\"sim\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        long expected = TokenEstimator.inputTokens(OpenAiChatDecoder.decode(Json.parse(body)));

        List<String> lines = GatewayFixture.lines(gw.openStream("/v1/chat/completions", body));

        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        JsonNode usageChunk = Json.parse(lines.get(lines.size() - 2).substring("data: ".length()));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asLong()).isEqualTo(expected).isGreaterThan(500);
        assertThat(usageChunk.at("/usage/completion_tokens").asLong()).isPositive();
    }

    @Test
    void stream_cutAfterCommit_endsWithErrorEventNotSilence() throws Exception {
        List<String> lines = GatewayFixture.lines(gw.openStream("/v1/chat/completions", chat("sim", "[sim cut_after=2] a b c d e", true)));
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(Json.parse(lines.get(lines.size() - 2).substring(6)).at("/error/code").asText()).isEqualTo("upstream_error");
    }

    @Test
    void upstreamThrottle_becomes429WithRetryHeaders() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("sim", "[sim status=429 retry_after=2] hi", false));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        assertThat(r.headers().firstValue("retry-after-ms")).hasValue("2000");
        assertThat(r.headers().firstValue("x-should-retry")).as("one attempt: the SDK may retry after 2 s").isEmpty();
        assertThat(r.body()).doesNotContain("Simulated");
        assertThat(sim.received()).hasSize(1);
    }

    @Test
    void upstream5xx_isRetriedThenReported502() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("broken", "hi", false), "x-switchboard-trace", "1");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(sim.received()).hasSize(3);
    }

    @Test
    void upstream5xx_onOneDeployment_fallsToTheOther() throws Exception {
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", chat("mixed", "hi", false), "x-switchboard-trace", "1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("good");
            String trace = r.headers().firstValue("x-switchboard-trace").orElseThrow();
            assertThat(trace).matches("(dep_[0-9a-f]+:transient:500:\\d+;)?dep_[0-9a-f]+:ok:200:\\d+");
            assertThat(r.headers().firstValue("x-switchboard-attempts")).hasValue(trace.contains(";") ? "2" : "1");
        }
    }

    @Test
    void loopbackGuard_refusesNonLoopbackUpstream() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("outside", "hi", false));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Json.parse(r.body()).at("/error/message").asText()).contains("refused");
    }

    @Test
    void upstreamConnections_areReused_forHttp2ClientsToo() throws Exception {
        gw.post("/v1/chat/completions", chat("sim", "warm", false));
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        long before = sim.connections();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions")))
                    .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("sim", "hi " + i, false))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(sim.connections() - before).as("new upstream connections for 5 sequential HTTP/2 requests").isLessThanOrEqualTo(1);
        assertThat(sim.abandoned()).isZero();
    }

    @Test
    void health_liveAndReady() throws Exception {
        assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
    }
}
