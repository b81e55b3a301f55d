package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestServiceAccount;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code vertex} adapter end to end: clients → the gateway → the simulator's Vertex AI paths,
 * authorized by a token the simulator's fake Google token endpoint grants for a JWT the gateway
 * signed with a service account generated for this run. A Gemini model and a Claude model, JSON
 * and streams, translated and native; the token cached per account and shared by concurrent
 * first calls; a refused assertion shown in the gateway's words.
 */
class VertexThroughGatewayTest {

    static final String GEMINI = "gemini-2.0-flash-001";
    static final String CLAUDE = "claude-3-5-haiku@20241022";
    static final String BASE = "/v1/projects/sim-project/locations/us-central1/publishers/";
    static SimulatorServer sim;
    static GatewayFixture gw;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, null);
        TestServiceAccount main = TestServiceAccount.trustedBy(sim, "gateway");
        TestServiceAccount cached = TestServiceAccount.trustedBy(sim, "cached");
        TestServiceAccount concurrent = TestServiceAccount.trustedBy(sim, "concurrent");
        TestServiceAccount forged = TestServiceAccount.trustedBy(sim, "forged").withForeignKey();
        String creds = "credentials: { serviceAccountJson: \"${%s}\", project: sim-project, location: us-central1 }";
        gw = GatewayFixture.builder()
                .env("SA_MAIN", main.json()).env("SA_CACHED", cached.json()).env("SA_CONCURRENT", concurrent.json())
                .env("SA_FORGED", forged.json())
                .config("""
                        models:
                          gem:
                            - { provider: vertex, upstreamModel: %2$s, baseUrl: "%1$s", %4$s }
                          claude:
                            - { provider: vertex, upstreamModel: "%3$s", baseUrl: "%1$s", %5$s }
                          cached:
                            - { provider: vertex, upstreamModel: %2$s, baseUrl: "%1$s", %6$s }
                          concurrent:
                            - { provider: vertex, upstreamModel: "%3$s", baseUrl: "%1$s", %7$s }
                          forged:
                            - { provider: vertex, upstreamModel: %2$s, baseUrl: "%1$s", %8$s }
                        """.formatted(sim.rootUrl(), GEMINI, CLAUDE, creds.formatted("SA_MAIN"), creds.formatted("SA_MAIN"),
                        creds.formatted("SA_CACHED"), creds.formatted("SA_CONCURRENT"), creds.formatted("SA_FORGED")))
                .start();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        sim.close();
    }

    @BeforeEach
    void clear() {
        sim.clear();
    }

    private static ChatCompletionCreateParams.Builder chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    private static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = gw.openai().chat().completions().createStreaming(params)) {
            return s.stream().toList();
        }
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
    }

    private static HttpResponse<String> post(String path, String body) {
        return gw.post(path, body, "Authorization", "Bearer " + GatewayFixture.MASTER_KEY, "content-type", "application/json");
    }

    private static SimulatorServer.Received lastVertexCall() {
        return sim.received().stream().filter(r -> r.path().startsWith("/v1/projects/")).reduce((a, b) -> b).orElseThrow();
    }

    private static JsonNode json(String s) {
        try {
            return Json.parse(s);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    @Test
    void chat_geminiModel_reachesThePublisherGooglePath_withABearerToken_andExactUsage() {
        HttpResponseFor<ChatCompletion> raw = gw.openai().chat().completions().withRawResponse()
                .create(chat("gem", "Hello there, gateway").build());
        ChatCompletion c = raw.parse();
        assertThat(c.model()).isEqualTo("gem");
        assertThat(c.choices().getFirst().message().content()).contains("Hello there, gateway");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        SimulatorServer.Received up = lastVertexCall();
        assertThat(up.path()).isEqualTo(BASE + "google/models/" + GEMINI + ":generateContent");
        assertThat(up.headers().get("authorization")).startsWith("Bearer ya29.sim-");
        assertThat(up.headers().get("x-goog-api-key")).isNull();
        assertThat(up.json().at("/contents/0/parts/0/text").asText()).isEqualTo("Hello there, gateway");
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("vertex");
        assertThat(raw.headers().values("x-switchboard-upstream-model")).containsExactly(GEMINI);
    }

    @Test
    void stream_geminiModel_usesStreamGenerateContentSse_withUsage() {
        List<ChatCompletionChunk> chunks = stream(chat("gem", "one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        assertThat(text(chunks)).isEqualTo("one two three four");
        assertThat(chunks.getLast().usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(4);
        SimulatorServer.Received up = lastVertexCall();
        assertThat(up.path()).isEqualTo(BASE + "google/models/" + GEMINI + ":streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
    }

    @Test
    void chat_claudeModel_rawPredict_withoutModelInTheBody_andTheVertexAnthropicVersion() {
        ChatCompletion c = gw.openai().chat().completions().create(chat("claude", "Hello there, gateway").maxCompletionTokens(50).build());
        assertThat(c.model()).isEqualTo("claude");
        assertThat(c.choices().getFirst().message().content()).contains("Hello there, gateway");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        SimulatorServer.Received up = lastVertexCall();
        assertThat(up.path()).isEqualTo(BASE + "anthropic/models/" + CLAUDE + ":rawPredict");
        assertThat(up.json().has("model")).isFalse();
        assertThat(up.json().path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
        assertThat(up.json().path("max_tokens").asInt()).isEqualTo(50);
        assertThat(up.headers().get("authorization")).startsWith("Bearer ya29.sim-");
        assertThat(up.headers().get("x-api-key")).isNull();
        assertThat(up.headers().get("anthropic-version")).isNull();
    }

    @Test
    void stream_claudeModel_streamRawPredict_withUsage() {
        List<ChatCompletionChunk> chunks = stream(chat("claude", "one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        assertThat(text(chunks)).isEqualTo("one two three four");
        assertThat(chunks.getLast().usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(4);
        SimulatorServer.Received up = lastVertexCall();
        assertThat(up.path()).isEqualTo(BASE + "anthropic/models/" + CLAUDE + ":streamRawPredict");
        assertThat(up.json().path("stream").asBoolean()).isTrue();
        assertThat(up.json().has("model")).isFalse();
    }

    @Test
    void anthropicClient_toClaudeOnVertex_isServedNatively_unknownFieldsKept() {
        HttpResponse<String> resp = post("/v1/messages", """
                {"model":"claude","max_tokens":20,"messages":[{"role":"user","content":"native words here"}],
                 "metadata":{"user_id":"u-1"}}""");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode answer = json(resp.body());
        assertThat(answer.path("model").asText()).isEqualTo("claude");
        assertThat(answer.at("/content/0/text").asText()).contains("native words here");
        assertThat(answer.at("/usage/input_tokens").asInt()).isEqualTo(9);
        JsonNode up = lastVertexCall().json();
        assertThat(up).isEqualTo(json("""
                {"max_tokens":20,"messages":[{"role":"user","content":"native words here"}],"metadata":{"user_id":"u-1"},
                 "anthropic_version":"vertex-2023-10-16"}"""));
    }

    @Test
    void geminiClient_toGeminiOnVertex_isServedNatively_bodyUntouched() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"native gemini words\"}]}],\"generationConfig\":{\"temperature\":0.2}}";
        HttpResponse<String> resp = gw.post("/v1beta/models/gem:generateContent", body, "x-goog-api-key", GatewayFixture.MASTER_KEY,
                "content-type", "application/json");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode answer = json(resp.body());
        assertThat(answer.at("/candidates/0/content/parts/0/text").asText()).contains("native gemini words");
        assertThat(answer.path("modelVersion").asText()).isEqualTo("gem");
        SimulatorServer.Received up = lastVertexCall();
        assertThat(up.path()).isEqualTo(BASE + "google/models/" + GEMINI + ":generateContent");
        assertThat(up.json()).isEqualTo(json(body));
    }

    @Test
    void token_isCachedPerServiceAccount_manyCallsOneTokenRequest() {
        long before = sim.tokenRequests();
        for (int i = 0; i < 4; i++) {
            assertThat(gw.openai().chat().completions().create(chat("cached", "call " + i).build()).choices()).isNotEmpty();
        }
        assertThat(sim.tokenRequests() - before).isEqualTo(1);
        List<String> bearers = sim.received().stream().filter(r -> r.path().startsWith("/v1/projects/"))
                .map(r -> r.headers().get("authorization")).distinct().toList();
        assertThat(bearers).hasSize(1);
    }

    @Test
    void concurrentFirstCalls_shareOneTokenRequest() throws Exception {
        long before = sim.tokenRequests();
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> calls = IntStream.range(0, n).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return post("/v1/chat/completions", "{\"model\":\"concurrent\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}")
                        .statusCode();
            }, pool)).toList();
            go.countDown();
            for (CompletableFuture<Integer> c : calls) assertThat(c.get()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.tokenRequests() - before).isEqualTo(1);
    }

    @Test
    void aForgedSignature_isRefusedByTheTokenEndpoint_andShownAsTheGatewaysUpstreamError() {
        long before = sim.tokenRequests();
        HttpResponse<String> resp = post("/v1/chat/completions", "{\"model\":\"forged\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(resp.statusCode()).isEqualTo(502);
        JsonNode err = json(resp.body()).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upstream_error");
        assertThat(err.path("message").asText()).contains("service account").doesNotContain("Invalid JWT").doesNotContain("invalid_grant");
        assertThat(sim.tokenRequests() - before).as("no token was cached for a refused account: each attempt asks again").isPositive();
        assertThat(sim.received()).noneMatch(r -> r.path().startsWith("/v1/projects/"));
    }
}
