package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestClock;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import dev.switchboard.provider.simulator.SimulatorServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage records of requests through the whole gateway, on the in-process simulator, whose usage
 * follows docs/providers.md: {@code prompt_tokens = 3 + Σ messages (3 + words)}, one completion
 * token per echoed word. The simulator's {@code echo} model costs 1 USD per million input tokens
 * and 2 per million output tokens in the catalog.
 */
class UsageThroughGatewayTest {

    private static final String ALICE = "sk-sb-alice-usage-0123456789abcdefghijklmnopq";
    private static final Duration WRITTEN = Duration.ofSeconds(10);
    private static final TestClock CLOCK = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    private static GatewayFixture gw;
    /** The standalone simulator, behind an OpenAI-format deployment of a model no catalog prices. */
    private static SimulatorServer sim;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, null);
        gw = GatewayFixture.builder().clock(CLOCK).config("""
                models:
                  priced:
                    - { provider: simulator, upstreamModel: echo }
                  paced:
                    - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-token-ms: "300" } }
                  failing:
                    - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-status: "500" } }
                  slow:
                    - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-latency-ms: "5000" } }
                  slow-upstream:
                    - { provider: openai, upstreamModel: echo, baseUrl: "%2$s", credentials: { apiKey: sk-slow }, extraHeaders: { x-sim-latency-ms: "5000" } }
                  unpriced:
                    - { provider: openai, upstreamModel: not-in-the-catalog, baseUrl: "%2$s", credentials: { apiKey: sk-unpriced } }
                  overridden:
                    - { provider: simulator, upstreamModel: echo, pricing: { outputPerMTokens: 10 } }
                  chat-only:
                    - { provider: anthropic, upstreamModel: claude-x, baseUrl: "%3$s", credentials: { apiKey: sk-ant } }
                  paced-anthropic:
                    - { provider: anthropic, upstreamModel: claude-x, baseUrl: "%3$s", credentials: { apiKey: sk-ant }, extraHeaders: { x-sim-token-ms: "300" } }
                teams:
                  - { name: research }
                keys:
                  - { name: alice, key: "%1$s", team: research }
                """.formatted(ALICE, sim.baseUrl(), sim.rootUrl())).start();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (sim != null) sim.close();
    }

    private static String chatBody(String model, boolean stream, String text) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static UsageRecord recordOf(HttpResponse<?> r) {
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(Await.until(() -> !gw.gateway().store().usage().forRequest(id).isEmpty(), WRITTEN))
                .as("a usage record for %s is written within %s", id, WRITTEN).isTrue();
        List<UsageRecord> records = gw.gateway().store().usage().forRequest(id);
        assertThat(records).as("one record per request").hasSize(1);
        return records.getFirst();
    }

    @Test
    void jsonChat_recordsExactTokens_costAndAttribution() {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("priced", false, "one two three"),
                "authorization", "Bearer " + ALICE, "x-switchboard-tags", " web , beta,,");
        Admin.assertChatOk(r);
        UsageRecord u = recordOf(r);
        assertThat(u.inputTokens()).isEqualTo(9); // 3 + (3 + 3 words)
        assertThat(u.outputTokens()).isEqualTo(3);
        assertThat(u.estimated()).isFalse();
        assertThat(u.costUsd()).isCloseTo((9 * 1.0 + 3 * 2.0) / 1e6, within(1e-12));
        assertThat(u.publicModel()).isEqualTo("priced");
        assertThat(u.provider()).isEqualTo("simulator");
        assertThat(u.upstreamModel()).isEqualTo("echo");
        assertThat(u.deploymentId()).isEqualTo(r.headers().firstValue("x-switchboard-deployment").orElseThrow());
        assertThat(u.keyId()).isNotBlank().isNotEqualTo("master");
        assertThat(u.teamId()).isNotBlank();
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.attempts()).isEqualTo(1);
        assertThat(u.cache()).isEqualTo("bypass");
        assertThat(u.ttftMs()).as("no first token for a complete answer").isNull();
        assertThat(u.tags()).containsExactly("web", "beta");
        assertThat(u.timeMs()).isEqualTo(CLOCK.millis());
        assertThat(u.latencyMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void streamedChat_recordsTheStreamsUsage_andTimeToFirstToken() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("overridden", true, "a b c d e"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data: [DONE]");
        UsageRecord u = recordOf(r);
        assertThat(u.inputTokens()).isEqualTo(11); // 3 + (3 + 5 words)
        assertThat(u.outputTokens()).isEqualTo(5);
        assertThat(u.estimated()).isFalse();
        // the deployment's pricing overrides the catalog's output price: 10 instead of 2
        assertThat(u.costUsd()).isCloseTo((11 * 1.0 + 5 * 10.0) / 1e6, within(1e-12));
        assertThat(u.keyId()).isEqualTo("master");
        assertThat(u.teamId()).isNull();
        assertThat(u.ttftMs()).isNotNull().isBetween(0L, u.latencyMs());
        assertThat(u.status()).isEqualTo(200);
    }

    @Test
    void metrics_showTheUsageQueue() {
        Admin.assertChatOk(gw.post("/v1/chat/completions", chatBody("priced", false, "hello")));
        String metrics = gw.get("/metrics").body();
        assertThat(metrics).contains("# TYPE switchboard_usage_records_dropped gauge\nswitchboard_usage_records_dropped 0\n");
        assertThat(metrics).contains("# TYPE switchboard_usage_records_queued gauge\n");
    }

    @Test
    void unpricedModel_recordsTokens_withNoCost() {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("unpriced", false, "hello"));
        Admin.assertChatOk(r);
        UsageRecord u = recordOf(r);
        assertThat(u.inputTokens()).isEqualTo(7);
        assertThat(u.outputTokens()).isEqualTo(1);
        assertThat(u.costUsd()).isNull();
    }

    @Test
    void failedRequest_recordsItsStatusAndAttempts_withoutTokens() {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("failing", false, "hello"));
        Admin.assertError(r, 502, "server_error", "upstream_error");
        UsageRecord u = recordOf(r);
        assertThat(u.status()).isEqualTo(502);
        assertThat(u.attempts()).isEqualTo(Integer.parseInt(r.headers().firstValue("x-switchboard-attempts").orElseThrow()));
        assertThat(u.attempts()).isPositive();
        assertThat(u.inputTokens()).isZero();
        assertThat(u.outputTokens()).isZero();
        assertThat(u.estimated()).isFalse();
        assertThat(u.costUsd()).isZero();
        assertThat(u.publicModel()).isEqualTo("failing");
    }

    @Test
    void requestEveryDeploymentRefusedBeforeItsCall_hasNoRecord() {
        int before = sim.received().size();
        HttpResponse<String> r = gw.post("/v1/embeddings", "{\"model\":\"chat-only\",\"input\":\"hello\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        HttpResponse<String> after = gw.post("/v1/chat/completions", chatBody("priced", false, "after"));
        recordOf(after);
        assertThat(sim.received()).as("no provider heard it").hasSize(before);
        assertThat(gw.gateway().store().usage().forRequest(r.headers().firstValue("x-request-id").orElseThrow())).isEmpty();
    }

    @Test
    void requestRefusedBeforeAnyAttempt_hasNoRecord() {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("no-such-model", false, "hello"));
        assertThat(r.statusCode()).isEqualTo(404);
        // a later request's record is written after this one would have been: the writer keeps order
        HttpResponse<String> after = gw.post("/v1/chat/completions", chatBody("priced", false, "after"));
        recordOf(after);
        assertThat(gw.gateway().store().usage().forRequest(r.headers().firstValue("x-request-id").orElseThrow())).isEmpty();
    }

    /** A paced stream of {@code text} that the client leaves once a line carries {@code seen}: long before its last word and its usage. */
    private static HttpResponse<InputStream> leftMidStream(String model, String text, String seen) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions"))).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model, true, text))).build();
        HttpResponse<InputStream> r = gw.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        for (String line = in.readLine(); !line.contains(seen); line = in.readLine()) {
            assertThat(line).doesNotContain("[DONE]");
        }
        r.body().close();
        return r;
    }

    @Test
    void clientLeavingMidStream_stillWritesARecord_withTheInputEstimated() throws Exception {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
        UsageRecord u = recordOf(leftMidStream("paced", text, "alpha"));
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.estimated()).as("the stream never reached its usage report").isTrue();
        long expected = TokenEstimator.PRIMING + TokenEstimator.PER_MESSAGE + TokenEstimator.tokens(text);
        assertThat(u.inputTokens()).isEqualTo(expected);
        // four characters a token of what was streamed: "alpha" at least, never the whole answer
        assertThat(u.outputTokens()).isBetween(2L, (long) (text.length() + 3) / 4 - 1);
        assertThat(u.costUsd()).isCloseTo((expected * 1.0 + u.outputTokens() * 2.0) / 1e6, within(1e-12));
        assertThat(u.ttftMs()).isNotNull();
    }

    @Test
    void clientLeavingATranslatedStream_recordsTheInputItsProviderCounted_notAnEstimate() throws Exception {
        // Anthropic counts the input in message_start; the OpenAI client's stream never reaches its usage
        String text = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9";
        UsageRecord u = recordOf(leftMidStream("paced-anthropic", text, "w0"));
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.inputTokens()).as("the simulator's count, 3 + (3 + 10 words)").isEqualTo(16)
                .isNotEqualTo(TokenEstimator.PRIMING + TokenEstimator.PER_MESSAGE + TokenEstimator.tokens(text));
        assertThat(u.outputTokens()).as("what was streamed, at least").isBetween(1L, 9L);
        assertThat(u.estimated()).isTrue();
    }

    @Test
    void nativeJsonAnswer_fromAServerReportingNoUsage_showsAndRecordsTheEstimate_outputIncluded() throws Exception {
        String text = "[sim no_usage=1] the quick brown fox jumps over the lazy dog";
        HttpResponse<String> r = gw.post("/v1/chat/completions", chatBody("unpriced", false, text));
        Admin.assertChatOk(r);
        JsonNode body = dev.switchboard.transport.Json.parse(r.body());
        String answer = body.at("/choices/0/message/content").asText();
        assertThat(answer).isEqualTo("the quick brown fox jumps over the lazy dog");

        UsageRecord u = recordOf(r);
        assertThat(u.estimated()).isTrue();
        assertThat(u.inputTokens()).isEqualTo(TokenEstimator.PRIMING + TokenEstimator.PER_MESSAGE + TokenEstimator.tokens(text));
        assertThat(u.outputTokens()).as("the answer at four characters a token").isEqualTo((answer.length() + 3) / 4);
        assertThat(body.at("/usage/prompt_tokens").asLong()).as("the client is shown what is recorded").isEqualTo(u.inputTokens());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(u.outputTokens());
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(u.inputTokens() + u.outputTokens());
    }

    /** Sends a chat request on a raw connection and closes it once the attempt is under way, before any answer. */
    private static UsageRecord leaveBeforeTheAnswer(String key, String requestId) throws Exception {
        var d = gw.gateway().snapshots().get().models().get("slow").deployments().getFirst();
        String body = chatBody("slow", false, "hello");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gw.gateway().port())) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer " + key
                    + "\r\ncontent-type: application/json\r\nx-request-id: " + requestId + "\r\ncontent-length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
            s.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            assertThat(Await.until(() -> gw.gateway().health().load(d).inFlight() == 1, WRITTEN)).as("the attempt is under way").isTrue();
        }
        assertThat(Await.until(() -> !gw.gateway().store().usage().forRequest(requestId).isEmpty(), WRITTEN)).isTrue();
        return gw.gateway().store().usage().forRequest(requestId).getFirst();
    }

    @Test
    void clientLeavingBeforeTheAnswer_isRecordedAs499_withThePromptTheProviderHad() throws Exception {
        UsageRecord u = leaveBeforeTheAnswer(GatewayFixture.MASTER_KEY, "leaves-early-1");
        assertThat(u.status()).isEqualTo(499);
        assertThat(u.attempts()).isEqualTo(1);
        assertThat(u.inputTokens()).as("the prompt, estimated").isEqualTo(TokenEstimator.PRIMING + TokenEstimator.PER_MESSAGE + TokenEstimator.tokens("hello"));
        assertThat(u.outputTokens()).isZero();
        assertThat(u.estimated()).isTrue();
        assertThat(u.costUsd()).isEqualTo(u.inputTokens() * 1e-6);
        assertThat(u.publicModel()).isEqualTo("slow");
    }

    @Test
    void clientLeavingBeforeTheAnswer_spendsThePromptFromItsBudget() throws Exception {
        // a budget smaller than one prompt: spent by a request whose client left before the answer
        String key = Admin.create(gw, "/admin/keys", "{\"name\":\"leaver\",\"budget\":{\"maxUsd\":0.000001,\"period\":\"monthly\"}}")
                .get("key").asText();
        UsageRecord u = leaveBeforeTheAnswer(key, "leaves-early-3");
        assertThat(u.status()).isEqualTo(499);
        assertThat(u.costUsd()).isGreaterThan(0.000001);
        HttpResponse<String> next = gw.post("/v1/chat/completions", chatBody("priced", false, "again"), "authorization", "Bearer " + key);
        Admin.assertError(next, 429, "rate_limit_error", "budget_exceeded");
    }

    @Test
    void http2StreamResetBeforeTheAnswer_isRecordedAs499() throws Exception {
        // an upstream over HTTP whose call the reset cancels, streamed: the cancellation fails the
        // dispatch at once, before the response's own end is seen
        var d = gw.gateway().snapshots().get().models().get("slow-upstream").deployments().getFirst();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            var req = h2.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                            .setHost("127.0.0.1").setPort(gw.gateway().port()).setURI("/v1/chat/completions")
                            .putHeader("authorization", "Bearer " + GatewayFixture.MASTER_KEY).putHeader("content-type", "application/json")
                            .putHeader("x-request-id", "resets-early-2"))
                    .toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            req.send(chatBody("slow-upstream", true, "hello"));
            assertThat(Await.until(() -> gw.gateway().health().load(d).inFlight() == 1, WRITTEN)).as("the attempt is under way").isTrue();
            req.reset();
            assertThat(Await.until(() -> !gw.gateway().store().usage().forRequest("resets-early-2").isEmpty(), WRITTEN)).isTrue();
            UsageRecord u = gw.gateway().store().usage().forRequest("resets-early-2").getFirst();
            assertThat(u.status()).isEqualTo(499);
        } finally {
            vertx.close();
        }
    }

    @Test
    void adminModels_showsEachDeploymentsEffectivePrice_andWhereItComesFrom() {
        JsonNode models = Admin.get(gw, "/admin/models");
        JsonNode priced = deployment(models, "priced");
        assertThat(priced.path("priceSource").asText()).isEqualTo("catalog");
        assertThat(priced.at("/price/inputPerMTokens").asDouble()).isEqualTo(1.0);
        assertThat(priced.at("/price/outputPerMTokens").asDouble()).isEqualTo(2.0);
        assertThat(priced.at("/price/cachedInputPerMTokens").asDouble()).isEqualTo(0.5);
        assertThat(priced.at("/price/cacheWritePerMTokens").asDouble()).isEqualTo(1.25);
        assertThat(priced.at("/price/reasoningPerMTokens").isNull()).isTrue();
        assertThat(priced.path("contextWindow").asLong()).isPositive();

        JsonNode overridden = deployment(models, "overridden");
        assertThat(overridden.path("priceSource").asText()).isEqualTo("deployment");
        assertThat(overridden.at("/price/inputPerMTokens").asDouble()).isEqualTo(1.0);
        assertThat(overridden.at("/price/outputPerMTokens").asDouble()).isEqualTo(10.0);

        JsonNode unpriced = deployment(models, "unpriced");
        assertThat(unpriced.path("priceSource").asText()).isEqualTo("none");
        assertThat(unpriced.path("price").isNull()).isTrue();
    }

    private static JsonNode deployment(JsonNode models, String name) {
        return StreamSupport.stream(models.spliterator(), false).filter(m -> m.path("name").asText().equals(name)).findFirst()
                .orElseThrow().path("deployments").get(0);
    }
}
