package dev.switchboard.ingress.gemini;

import static dev.switchboard.ingress.gemini.GeminiClient.events;
import static dev.switchboard.ingress.gemini.GeminiClient.json;
import static dev.switchboard.ingress.gemini.GeminiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Gemini client over raw HTTP against a {@code gemini} deployment on the standalone simulator
 * speaking Gemini: the native path. The simulator's record of what it received shows the exact
 * upstream request: the path with the upstream model, the deployment's key as
 * {@code x-goog-api-key}, and the client's body untouched.
 */
class GeminiNativeTest {

    static final String UPSTREAM_KEY = "gemini-upstream-secret";
    static SimulatorServer sim;
    static GatewayFixture gw;
    static GeminiClient client;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY);
        gw = GatewayFixture.builder()
                .env("GEM_KEY", UPSTREAM_KEY)
                .env("GEMINI_API_KEY", UPSTREAM_KEY)
                .env("GEMINI_BASE_URL", sim.rootUrl())
                .config("""
                        models:
                          gem:
                            - provider: gemini
                              upstreamModel: gemini-2.0-flash-001
                              baseUrl: %s
                              credentials: { apiKey: "${GEM_KEY}" }
                          misconfigured:
                            - provider: gemini
                              upstreamModel: gemini-2.0-flash-001
                              baseUrl: %s
                              credentials: { apiKey: wrong-key }
                        """.formatted(sim.rootUrl(), sim.rootUrl()))
                .start();
        client = new GeminiClient(gw, GatewayFixture.MASTER_KEY);
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        sim.close();
    }

    @BeforeEach
    void clear() {
        sim.clear();
        gw.resetRouting();
    }

    @Test
    void generateContent_forwardsTheBodyUntouched_toTheUpstreamModel_withTheDeploymentKey() throws Exception {
        String body = """
                {"contents":[{"role":"user","parts":[{"text":"Hello there, gateway"}]}],
                 "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}],
                 "generationConfig":{"temperature":0.10,"topK":7,"x_unknown":{"a":[1,2]}},
                 "cachedContent":"cachedContents/abc"}""";
        HttpResponse<String> r = client.post("/v1beta/models/gem:generateContent", body, "cookie", "session=secret");
        assertThat(r.statusCode()).isEqualTo(200);
        SimulatorServer.Received up = sim.last();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.0-flash-001:generateContent");
        assertThat(up.query()).isNull();
        assertThat(up.headers().get("x-goog-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(up.headers().get("authorization")).isNull();
        assertThat(up.headers().get("cookie")).isNull();
        assertThat(up.toString()).doesNotContain(GatewayFixture.MASTER_KEY);
        assertThat(up.json()).isEqualTo(Json.parse(body));
        assertThat(up.body()).contains("0.10");

        JsonNode answer = json(r);
        assertThat(text(answer)).isEqualTo("Hello there, gateway");
        assertThat(answer.path("modelVersion").asText()).isEqualTo("gem");
        assertThat(answer.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(9);
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("gemini");
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("gemini-2.0-flash-001");
    }

    @Test
    void stream_sse_isRelayedChunkByChunk_withThePublicModelName() {
        HttpResponse<String> r = client.post("/v1beta/models/gem:streamGenerateContent?alt=sse", GeminiApiTest.user("one two three four"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash-001:streamGenerateContent");
        assertThat(sim.last().query()).isEqualTo("alt=sse");
        List<JsonNode> chunks = events(r.body());
        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(text(chunks)).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("modelVersion").asText()).isEqualTo("gem"));
        assertThat(chunks.getLast().at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(10);
        assertThat(chunks.getLast().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void stream_sse_relayed_writesUnicodeLineBreaksEscaped() {
        String prompt = "a\u2028b c\u2029d";
        HttpResponse<String> r = client.post("/v1beta/models/gem:streamGenerateContent?alt=sse", GeminiApiTest.user(prompt));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("\u2028", "\u2029").contains("\\u2028", "\\u2029");
        assertThat(text(events(r.body()))).isEqualTo(prompt);
    }

    @Test
    void stream_arrayForm_isServedFromAnSseUpstream() {
        HttpResponse<String> r = client.post("/v1beta/models/gem:streamGenerateContent", GeminiApiTest.user("one two three"));
        assertThat(sim.last().query()).isEqualTo("alt=sse");
        JsonNode array = json(r);
        assertThat(array.isArray()).isTrue();
        List<JsonNode> chunks = new java.util.ArrayList<>();
        array.forEach(chunks::add);
        assertThat(text(chunks)).isEqualTo("one two three");
    }

    @Test
    void stream_cutAfterCommit_endsWithAGeminiErrorChunk() {
        HttpResponse<String> r = client.post("/v1beta/models/gem:streamGenerateContent?alt=sse",
                GeminiApiTest.user("[sim cut_after=3] one two three four five six"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = events(r.body());
        assertThat(text(chunks.subList(0, chunks.size() - 1))).isEqualTo("one two");
        assertThat(chunks.getLast().at("/error/status").asText()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void functionCall_roundTrip_passesNatively() throws Exception {
        JsonNode first = json(client.post("/v1beta/models/gem:generateContent", """
                {"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],%s}""".formatted(GeminiApiTest.WEATHER_TOOL)));
        JsonNode call = first.at("/candidates/0/content/parts/0/functionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        String second = """
                {"contents":[
                  {"role":"user","parts":[{"text":"Weather in Paris?"}]},
                  {"role":"model","parts":[{"functionCall":%s}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21}}}]}
                 ],%s}""".formatted(call, GeminiApiTest.WEATHER_TOOL);
        JsonNode answer = json(client.post("/v1beta/models/gem:generateContent", second));
        assertThat(Json.parse(text(answer))).isEqualTo(Json.parse("{\"temp\":21}"));
        assertThat(sim.last().json()).isEqualTo(Json.parse(second));
    }

    @Test
    void upstreamErrors_areClassified_andAnsweredInGeminiShape() {
        HttpResponse<String> throttled = client.post("/v1beta/models/gem:generateContent", GeminiApiTest.user("[sim status=429 retry_after=3] hi"));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).hasValue("3");
        assertThat(json(throttled).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(throttled.body()).doesNotContain("Simulated failure");

        sim.clear();
        gw.resetRouting(); // each fault on its own: the throttle above cools the deployment
        HttpResponse<String> unavailable = client.post("/v1beta/models/gem:generateContent", GeminiApiTest.user("[sim status=503] hi"));
        assertThat(unavailable.statusCode()).isEqualTo(502);
        assertThat(json(unavailable).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(sim.received()).hasSize(3); // transient: retried up to maxAttempts

        gw.resetRouting(); // three transient failures in a row opened its circuit
        HttpResponse<String> invalid = client.post("/v1beta/models/gem:generateContent", GeminiApiTest.user("[sim status=400] hi"));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");

        gw.resetRouting();
        HttpResponse<String> timeout = client.post("/v1beta/models/gem:generateContent", GeminiApiTest.user("[sim status=504] hi"));
        assertThat(timeout.statusCode()).isEqualTo(504);
        assertThat(json(timeout).at("/error/status").asText()).isEqualTo("DEADLINE_EXCEEDED");

        sim.clear();
        HttpResponse<String> badKey = client.post("/v1beta/models/misconfigured:generateContent", GeminiApiTest.user("hi"));
        assertThat(badKey.statusCode()).isEqualTo(502);
        assertThat(sim.received()).hasSize(1); // configuration: no other deployment to try
        assertThat(badKey.body()).doesNotContain("API key not valid");
    }

    @Test
    void countTokens_andEmbedContent_reachTheUpstreamNatively() {
        JsonNode count = json(client.post("/v1beta/models/gem:countTokens", GeminiApiTest.user("Say hi")));
        assertThat(count.path("totalTokens").asLong()).isEqualTo(3 + 5);
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash-001:countTokens");
        assertThat(sim.last().headers().get("x-goog-api-key")).isEqualTo(UPSTREAM_KEY);

        JsonNode whole = json(client.post("/v1beta/models/gem:countTokens",
                "{\"generateContentRequest\":{\"model\":\"models/gem\"," + GeminiApiTest.user("Say hi").substring(1) + "}"));
        assertThat(whole.path("totalTokens").asLong()).isEqualTo(3 + 5);
        assertThat(sim.last().json().at("/generateContentRequest/model").asText()).isEqualTo("models/gemini-2.0-flash-001");

        String embed = "{\"content\":{\"parts\":[{\"text\":\"alpha beta\"}]},\"taskType\":\"RETRIEVAL_DOCUMENT\",\"outputDimensionality\":4}";
        JsonNode vector = json(client.post("/v1beta/models/gem:embedContent", embed));
        assertThat(vector.at("/embedding/values")).hasSize(4);
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash-001:embedContent");
        assertThat(sim.last().json().path("taskType").asText()).isEqualTo("RETRIEVAL_DOCUMENT");

        JsonNode batch = json(client.post("/v1beta/models/gem:batchEmbedContents", "{\"requests\":[{\"model\":\"models/gem\","
                + embed.substring(1) + ",{\"model\":\"models/gem\",\"content\":{\"parts\":[{\"text\":\"gamma\"}]},\"outputDimensionality\":4}]}"));
        assertThat(batch.path("embeddings")).hasSize(2);
        assertThat(batch.at("/embeddings/0/values")).isEqualTo(vector.at("/embedding/values"));
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash-001:batchEmbedContents");
        assertThat(sim.last().json().at("/requests/0/model").asText()).isEqualTo("models/gemini-2.0-flash-001");
        assertThat(sim.last().json().at("/requests/0/taskType").asText()).isEqualTo("RETRIEVAL_DOCUMENT");
    }

    @Test
    void directRouting_geminiPrefix_usesTheEnvironmentKeyAndBaseUrl() {
        HttpResponse<String> r = client.post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiApiTest.user("hi"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(sim.last().headers().get("x-goog-api-key")).isEqualTo(UPSTREAM_KEY);
        HttpResponse<String> explicit = client.post("/v1beta/models/gemini/gemini-2.5-pro:generateContent", GeminiApiTest.user("hi"));
        assertThat(explicit.statusCode()).isEqualTo(200);
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
    }

    @Test
    void aClientsModelName_isOneSegmentOfTheUpstreamPath_whateverItHolds() {
        for (String model : List.of("gemini/x:countTokens?alt=json#", "gemini/x?key=attacker", "gemini/../../v1beta/files",
                "gemini-2.0-flash/../../../evil", "gemini/a/b/c", "gemini/..")) {
            sim.clear();
            gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            SimulatorServer.Received got = sim.last();
            assertThat(got).as(model).isNotNull();
            assertThat(got.path()).as(model).startsWith("/v1beta/models/").endsWith(":generateContent");
            String segment = got.path().substring("/v1beta/models/".length(), got.path().length() - ":generateContent".length());
            assertThat(segment).as(model).doesNotContain("/", "?", "#").isNotIn(".", "..");
            assertThat(got.query()).as(model).isNull();
        }
    }

    /** A client with a new key made of {@code body} (an admin API key body), once the gateway serves the key. */
    private static GeminiClient clientWithNewKey(String body) throws Exception {
        GeminiClient c = new GeminiClient(gw, Json.parse(gw.post("/admin/keys", body).body()).at("/data/key").asText());
        dev.switchboard.testing.Await.until(() -> c.post("/v1beta/models/gem:generateContent", GeminiApiTest.user("hi")).statusCode() == 200,
                java.time.Duration.ofSeconds(5));
        return c;
    }

    @Test
    void aKeysMaxTokensPerRequest_goesIntoTheClientsOwnConfig_whicheverItsSpelling() throws Exception {
        GeminiClient capped = clientWithNewKey("{\"name\":\"gem-capped\",\"limits\":{\"maxTokensPerRequest\":50}}");
        sim.clear();
        HttpResponse<String> r = capped.post("/v1beta/models/gem:generateContent", """
                {"contents":[{"parts":[{"text":"hi"}]}],"generation_config":{"temperature":0.5}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode sent = sim.last().json();
        assertThat(sent.has("generationConfig")).as(sent.toString()).isFalse();
        assertThat(sent.at("/generation_config/temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.at("/generation_config/maxOutputTokens").asInt()).isEqualTo(50);
    }

    @Test
    void keySystemPrompt_isPrependedToTheForwardedBody() throws Exception {
        GeminiClient prompted = clientWithNewKey("{\"name\":\"gem-prompted\",\"systemPrompt\":\"Answer in French.\"}");
        sim.clear();
        prompted.post("/v1beta/models/gem:generateContent", """
                {"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"parts":[{"text":"hi"}]}]}""");
        assertThat(sim.last().json().path("systemInstruction"))
                .isEqualTo(Json.parse("{\"parts\":[{\"text\":\"Answer in French.\"},{\"text\":\"Be brief.\"}]}"));

        // countTokens has no top-level systemInstruction: the prompt goes inside a whole generateContentRequest
        sim.clear();
        HttpResponse<String> count = prompted.post("/v1beta/models/gem:countTokens", GeminiApiTest.user("hi"));
        assertThat(count.statusCode()).isEqualTo(200);
        JsonNode sent = sim.last().json();
        assertThat(sent.has("contents")).isFalse();
        assertThat(sent.has("systemInstruction")).isFalse();
        assertThat(sent.at("/generateContentRequest/model").asText()).isEqualTo("models/gemini-2.0-flash-001");
        assertThat(sent.at("/generateContentRequest/contents/0/parts/0/text").asText()).isEqualTo("hi");
        assertThat(sent.at("/generateContentRequest/systemInstruction/parts/0/text").asText()).isEqualTo("Answer in French.");
    }
}
