package dev.switchboard.ingress.gemini;

import static dev.switchboard.ingress.gemini.GeminiClient.events;
import static dev.switchboard.ingress.gemini.GeminiClient.json;
import static dev.switchboard.ingress.gemini.GeminiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Gemini client over raw HTTP against the built-in {@code simulator} provider: the canonical
 * path (Gemini in, canonical, Gemini out). Usage follows the simulator's documented formula
 * ({@code prompt = 3 + Σ messages (3 + words)}, completion = words answered), so it is asserted
 * exactly.
 */
class GeminiApiTest {

    static final String LIMITED_KEY = "sk-sb-test-gemini-limited-0123456789abcdefghij";
    static GatewayFixture gw;

    /** Faults a test provokes must not leave circuits open for the next test. */
    @BeforeEach
    void resetRouting() {
        gw.resetRouting();
    }
    static GeminiClient master;
    static GeminiClient limited;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().env("MAX_BODY_BYTES", "65536").config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                  other:
                    - { provider: simulator, upstreamModel: echo-2 }
                  claude:
                    - { provider: anthropic, upstreamModel: claude-x, baseUrl: "http://127.0.0.1:9", credentials: { apiKey: unused } }
                keys:
                  - name: limited
                    key: %s
                    allowedModels: [sim]
                    systemPrompt: Be brief.
                """.formatted(LIMITED_KEY)).start();
        master = new GeminiClient(gw, GatewayFixture.MASTER_KEY);
        limited = new GeminiClient(gw, LIMITED_KEY);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String user(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + Json.NODES.textNode(text) + "}]}]}";
    }

    static final String WEATHER_TOOL = """
            "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather for a city",
              "parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"},
                "unit":{"type":"STRING","enum":["celsius","fahrenheit"]}},"required":["city"]}}]}]""";

    @Test
    void generateContent_text_echoesWithExactUsageAndThePublicModelName() {
        HttpResponse<String> r = master.post("/v1beta/models/sim:generateContent", user("Hello there, gateway"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(text(body)).isEqualTo("Hello there, gateway");
        JsonNode candidate = body.at("/candidates/0");
        assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
        assertThat(body.path("modelVersion").asText()).isEqualTo("sim");
        // prompt = 3 + (3 + 3 words); completion = 3 words
        assertThat(body.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(9);
        assertThat(body.at("/usageMetadata/candidatesTokenCount").asLong()).isEqualTo(3);
        assertThat(body.at("/usageMetadata/totalTokenCount").asLong()).isEqualTo(12);
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("simulator");
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("echo");
    }

    @Test
    void generateContent_systemInstruction_countsInUsage_inEitherSpelling() {
        String camel = """
                {"systemInstruction":{"parts":[{"text":"You are terse and exact"}]},
                 "contents":[{"role":"user","parts":[{"text":"Say hi"}]}]}""";
        // Google's curl examples: snake_case, and a single part object instead of an array
        String snake = """
                {"system_instruction":{"parts":{"text":"You are terse and exact"}},
                 "contents":{"parts":{"text":"Say hi"}}}""";
        for (String body : List.of(camel, snake)) {
            JsonNode r = json(master.post("/v1beta/models/sim:generateContent", body));
            assertThat(text(r)).isEqualTo("Say hi");
            // 3 + (3 + 5) + (3 + 2)
            assertThat(r.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(16);
        }
    }

    @Test
    void generateContent_keySystemPrompt_isPrepended() {
        JsonNode r = json(limited.post("/v1beta/models/sim:generateContent", user("Say hi")));
        // 3 + (3 + 2 "Be brief.") + (3 + 2)
        assertThat(r.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(13);
    }

    @Test
    void generateContent_functionCall_thenFunctionResponse_roundTrip() throws Exception {
        JsonNode first = json(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],%s}""".formatted(WEATHER_TOOL)));
        JsonNode part = first.at("/candidates/0/content/parts/0");
        assertThat(part.at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(part.at("/functionCall/args")).isEqualTo(Json.parse("{\"city\":\"city\",\"unit\":\"celsius\"}"));
        assertThat(part.at("/functionCall").has("id")).isFalse();
        assertThat(first.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        // tool: 8 + 1 + 4 words; user: 3 + 3 words
        assertThat(first.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(3 + 6 + 13);

        JsonNode second = json(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[
                  {"role":"user","parts":[{"text":"Weather in Paris?"}]},
                  {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21,"unit":"celsius"}}}]}
                 ],%s}""".formatted(WEATHER_TOOL)));
        // the function response reached the model as a tool result: the simulator echoes it
        assertThat(Json.parse(text(second))).isEqualTo(Json.parse("{\"temp\":21,\"unit\":\"celsius\"}"));
        assertThat(second.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void generateContent_toolConfigNone_answersText() {
        JsonNode r = json(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],%s,
                 "toolConfig":{"functionCallingConfig":{"mode":"NONE"}}}""".formatted(WEATHER_TOOL)));
        assertThat(text(r)).isEqualTo("Weather in Paris?");
    }

    @Test
    void generateContent_maxOutputTokens_finishesWithMaxTokens() {
        JsonNode r = json(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[{"parts":[{"text":"one two three four five"}]}],"generationConfig":{"maxOutputTokens":2}}"""));
        assertThat(text(r)).isEqualTo("one two");
        assertThat(r.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(r.at("/usageMetadata/candidatesTokenCount").asLong()).isEqualTo(2);
    }

    @Test
    void generateContent_responseSchema_answersJsonOfTheSchema() throws Exception {
        JsonNode r = json(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[{"parts":[{"text":"A recipe"}]}],"generationConfig":{"responseMimeType":"application/json",
                 "responseSchema":{"type":"ARRAY","items":{"type":"OBJECT","properties":{"recipeName":{"type":"STRING"}}}}}}"""));
        assertThat(Json.parse(text(r))).isEqualTo(Json.parse("[{\"recipeName\":\"recipeName\"}]"));
    }

    @Test
    void stream_sse_chunksReassemble_withUsageAndFinishOnTheLastChunk() {
        HttpResponse<String> r = master.post("/v1beta/models/sim:streamGenerateContent?alt=sse", user("one two three four"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<JsonNode> chunks = events(r.body());
        assertThat(text(chunks)).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("modelVersion").asText()).isEqualTo("sim"));
        JsonNode last = chunks.getLast();
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/promptTokenCount").asLong()).isEqualTo(10);
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asLong()).isEqualTo(4);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> {
            assertThat(c.has("usageMetadata")).isFalse();
            assertThat(c.at("/candidates/0").has("finishReason")).isFalse();
        });
    }

    @Test
    void stream_linesBreaksOfUnicode_areWrittenEscaped_soALineReaderKeepsEachEventWhole() {
        String prompt = "line\u2028separator paragraph\u2029separator next\u0085line";
        for (String path : List.of("/v1beta/models/sim:streamGenerateContent?alt=sse", "/v1beta/models/sim:streamGenerateContent")) {
            HttpResponse<String> r = master.post(path, user(prompt));
            assertThat(r.statusCode()).isEqualTo(200);
            // Python's str.splitlines (the Gemini SDK's line reader) breaks at each of them
            assertThat(r.body()).doesNotContain("\u2028", "\u2029", "\u0085").contains("\\u2028", "\\u2029", "\\u0085");
            List<JsonNode> chunks = new java.util.ArrayList<>();
            if (path.endsWith("sse")) chunks.addAll(events(r.body())); else json(r).forEach(chunks::add);
            assertThat(text(chunks)).isEqualTo(prompt);
        }
    }

    @Test
    void stream_withoutAltSse_isOneJsonArray() {
        HttpResponse<String> r = master.post("/v1beta/models/sim:streamGenerateContent", user("one two three"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode array = json(r);
        assertThat(array.isArray()).isTrue();
        List<JsonNode> chunks = new java.util.ArrayList<>();
        array.forEach(chunks::add);
        assertThat(text(chunks)).isEqualTo("one two three");
        assertThat(chunks.getLast().at("/usageMetadata/totalTokenCount").asLong()).isEqualTo(9 + 3);
    }

    @Test
    void toolConfigAny_withAllowedFunctionNames_offersOnlyThose() {
        String tools = """
                "tools":[{"functionDeclarations":[{"name":"a_fn","description":"A"},{"name":"b_fn","description":"B"},{"name":"c_fn","description":"C"}]}]""";
        for (String mode : new String[] {"ANY", "VALIDATED"}) {
            JsonNode r = json(master.post("/v1beta/models/sim:generateContent", """
                    {"contents":[{"role":"user","parts":[{"text":"go"}]}],%s,
                     "toolConfig":{"functionCallingConfig":{"mode":"%s","allowedFunctionNames":["b_fn","c_fn"]}}}""".formatted(tools, mode)));
            // the simulator calls the first tool it is offered when a call is required
            if (mode.equals("ANY")) assertThat(r.at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("b_fn");
            assertThat(r.toString()).as(mode).doesNotContain("a_fn");
        }
        assertThat(error(master.post("/v1beta/models/sim:generateContent", """
                {"contents":[{"role":"user","parts":[{"text":"go"}]}],%s,
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["zzz","yyy"]}}}""".formatted(tools))))
                .isEqualTo("toolConfig.functionCallingConfig.allowedFunctionNames");
    }

    @Test
    void consecutiveModelContents_areOneTurn_asAChatSdkKeepsAStreamedAnswer() throws Exception {
        var r = GeminiRequestDecoder.decode(Json.parse("""
                {"contents":[{"role":"user","parts":[{"text":"weather?"}]},
                  {"role":"model","parts":[{"text":"Need weather.","thought":true}]},
                  {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}},"thoughtSignature":"SIG"}]},
                  {"role":"model","parts":[{"text":""}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"t":1}}}]}],
                 "tools":[{"functionDeclarations":[{"name":"get_weather"}]}]}"""), "m", false);
        assertThat(r.messages()).extracting(dev.switchboard.model.Message::role).containsExactly(
                dev.switchboard.model.Role.USER, dev.switchboard.model.Role.ASSISTANT, dev.switchboard.model.Role.TOOL);
        assertThat(r.messages().get(1).content()).noneMatch(p -> p instanceof dev.switchboard.model.ContentPart.Text);
        // and Anthropic gets the thought whole, with the signature that rode on the call
        var anthropic = new dev.switchboard.provider.anthropic.AnthropicRequestEncoder("claude", false).encode(r);
        assertThat(anthropic.at("/messages/1/content/0")).isEqualTo(Json.parse(
                "{\"type\":\"thinking\",\"thinking\":\"Need weather.\",\"signature\":\"SIG\"}"));
        assertThat(anthropic.at("/messages/1/content/1/type").asText()).isEqualTo("tool_use");
    }

    @Test
    void oneAllowedFunction_isTheOnlyToolOffered_underValidated_andTheNamedChoiceUnderAny() throws Exception {
        String tools = """
                "tools":[{"functionDeclarations":[{"name":"get_weather"},{"name":"get_time"}]}]""";
        for (String mode : new String[] {"ANY", "VALIDATED"}) {
            var r = GeminiRequestDecoder.decode(Json.parse("""
                    {"contents":[{"role":"user","parts":[{"text":"go"}]}],%s,
                     "toolConfig":{"functionCallingConfig":{"mode":"%s","allowedFunctionNames":["get_time"]}}}""".formatted(tools, mode)), "m", false);
            // under ANY the named choice holds by itself; VALIDATED lets the model choose, among the allowed only
            assertThat(r.tools()).as(mode).extracting(dev.switchboard.model.Tool::name)
                    .containsExactlyElementsOf(mode.equals("ANY") ? List.of("get_weather", "get_time") : List.of("get_time"));
            assertThat(r.toolChoice()).as(mode).isEqualTo(mode.equals("ANY")
                    ? new dev.switchboard.model.ToolChoice.Named("get_time") : dev.switchboard.model.ToolChoice.AUTO);
        }
    }

    @Test
    void underReject_geminiFieldsWithNoCanonicalForm_are400_forAnotherFormat() {
        try (GatewayFixture strict = GatewayFixture.builder().config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                router: { unsupportedParameters: reject }
                """).start()) {
            GeminiClient client = new GeminiClient(strict, GatewayFixture.MASTER_KEY);
            Map<String, String> cases = Map.of(
                    "\"generationConfig\":{\"responseLogprobs\":true}", "generationConfig.responseLogprobs",
                    "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}", "generationConfig.responseModalities",
                    "\"generationConfig\":{\"responseMimeType\":\"text/x.enum\",\"responseSchema\":{\"type\":\"STRING\",\"enum\":[\"a\"]}}",
                    "generationConfig.responseMimeType",
                    "\"generationConfig\":{\"topK\":3}", "generationConfig.topK",
                    "\"tools\":[{\"googleSearch\":{}}]", "tools",
                    "\"cachedContent\":\"cachedContents/x\"", "cachedContent",
                    "\"safetySettings\":[{\"category\":\"HARM_CATEGORY_HATE_SPEECH\",\"threshold\":\"BLOCK_NONE\"}]", "safetySettings");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                HttpResponse<String> r = client.post("/v1beta/models/sim:generateContent",
                        "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]," + c.getKey() + "}");
                assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
                assertThat(json(r).at("/error/details/0/metadata/param").asText()).isEqualTo(c.getValue());
            }
            assertThat(client.post("/v1beta/models/sim:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                    + "\"generationConfig\":{\"responseModalities\":[\"TEXT\"]}}").statusCode()).as("text only is nothing lost").isEqualTo(200);
            HttpResponse<String> file = client.post("/v1beta/models/sim:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"},"
                    + "{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"https://example.invalid/f\"}}]}]}");
            assertThat(file.statusCode()).isEqualTo(400);
            assertThat(json(file).at("/error/details/0/metadata/param").asText()).isEqualTo("contents[0].parts[1].fileData");
        }
        // the default policy drops them, as documented
        assertThat(master.post("/v1beta/models/sim:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generationConfig\":{\"topK\":3}}").statusCode()).isEqualTo(200);
    }

    @Test
    void aContentWithoutParts_is400NamingIt_andReachesNoProvider() {
        assertThat(error(master.post("/v1beta/models/sim:generateContent", "{\"contents\":[{\"role\":\"user\",\"parts\":[]}]}")))
                .isEqualTo("contents[0].parts");
        assertThat(error(master.post("/v1beta/models/sim:generateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]},{\"role\":\"model\",\"parts\":[{}]}]}")))
                .isEqualTo("contents[1].parts");
    }

    @Test
    void stream_functionCall_arrivesWhole() throws Exception {
        List<JsonNode> chunks = events(master.post("/v1beta/models/sim:streamGenerateContent?alt=sse", """
                {"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],%s}""".formatted(WEATHER_TOOL)).body());
        List<JsonNode> calls = chunks.stream().flatMap(c -> {
            List<JsonNode> parts = new java.util.ArrayList<>();
            c.at("/candidates/0/content/parts").forEach(parts::add);
            return parts.stream();
        }).filter(p -> p.has("functionCall")).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().at("/functionCall/args")).isEqualTo(Json.parse("{\"city\":\"city\",\"unit\":\"celsius\"}"));
        assertThat(chunks.getLast().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void stream_failureAfterCommit_endsWithAGeminiErrorChunk() {
        HttpResponse<String> r = master.post("/v1beta/models/sim:streamGenerateContent?alt=sse",
                user("[sim cut_after=3] one two three four five six"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = events(r.body());
        assertThat(text(chunks.subList(0, chunks.size() - 1))).isEqualTo("one two");
        JsonNode error = chunks.getLast().path("error");
        assertThat(error.path("code").asInt()).isEqualTo(502);
        assertThat(error.path("status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.path("message").asText()).isNotBlank();

        HttpResponse<String> array = master.post("/v1beta/models/sim:streamGenerateContent",
                user("[sim cut_after=3] one two three four five six"));
        JsonNode all = json(array);
        assertThat(all.get(all.size() - 1).at("/error/code").asInt()).isEqualTo(502);
    }

    @Test
    void errors_areInGeminiShape() {
        HttpResponse<String> badKey = new GeminiClient(gw, "sk-sb-not-a-key").post("/v1beta/models/sim:generateContent", user("hi"));
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(json(badKey).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(json(badKey).at("/error/code").asInt()).isEqualTo(401);

        HttpResponse<String> noKey = new GeminiClient(gw, null).post("/v1beta/models/sim:generateContent", user("hi"));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey).at("/error/message").asText()).contains("'x-goog-api-key: <key>'");

        HttpResponse<String> unknown = master.post("/v1beta/models/no-such-model:generateContent", user("hi"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(json(unknown).at("/error/details/0/reason").asText()).isEqualTo("MODEL_NOT_FOUND");

        HttpResponse<String> malformed = master.post("/v1beta/models/sim:generateContent", "{\"contents\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");

        HttpResponse<String> wrongType = master.post("/v1beta/models/sim:generateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"temperature\":\"hot\"}}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).at("/error/details/0/metadata/param").asText()).isEqualTo("generationConfig.temperature");

        HttpResponse<String> tooMany = master.post("/v1beta/models/sim:generateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"candidateCount\":9}}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).at("/error/details/0/metadata/param").asText()).isEqualTo("generationConfig.candidateCount");

        HttpResponse<String> badRole = master.post("/v1beta/models/sim:generateContent",
                "{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(json(badRole).at("/error/details/0/metadata/param").asText()).isEqualTo("contents[0].role");

        HttpResponse<String> notAllowed = limited.post("/v1beta/models/other:generateContent", user("hi"));
        assertThat(notAllowed.statusCode()).isEqualTo(403);
        assertThat(json(notAllowed).at("/error/status").asText()).isEqualTo("PERMISSION_DENIED");

        HttpResponse<String> tooLarge = master.post("/v1beta/models/sim:generateContent", user("x".repeat(70_000)));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).at("/error/code").asInt()).isEqualTo(413);

        HttpResponse<String> badAlt = master.post("/v1beta/models/sim:streamGenerateContent?alt=proto", user("hi"));
        assertThat(badAlt.statusCode()).isEqualTo(400);

        HttpResponse<String> noRoute = master.post("/v1beta/models/sim:nothing", user("hi"));
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(json(noRoute).at("/error/status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void errors_providerThrottle_isResourceExhaustedWithRetryInfo() {
        HttpResponse<String> r = master.post("/v1beta/models/sim:generateContent", user("[sim status=429 retry_after=2] hi"));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        JsonNode error = json(r).path("error");
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.at("/details/1/@type").asText()).endsWith("google.rpc.RetryInfo");
        assertThat(error.at("/details/1/retryDelay").asText()).isEqualTo("2s");
    }

    @Test
    void auth_keyQueryParameter_works() {
        HttpResponse<String> r = new GeminiClient(gw, null).post("/v1beta/models/sim:generateContent?key=" + GatewayFixture.MASTER_KEY,
                user("hi"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(json(r))).isEqualTo("hi");
    }

    @Test
    void countTokens_matchesThePromptCountOfAGeneration() {
        String body = """
                {"systemInstruction":{"parts":[{"text":"You are terse and exact"}]},
                 "contents":[{"role":"user","parts":[{"text":"Say hi"}]}]}""";
        JsonNode generated = json(master.post("/v1beta/models/sim:generateContent", body));
        JsonNode contentsOnly = json(master.post("/v1beta/models/sim:countTokens", user("Say hi")));
        JsonNode whole = json(master.post("/v1beta/models/sim:countTokens", "{\"generateContentRequest\":" + body + "}"));
        assertThat(contentsOnly.path("totalTokens").asLong()).isEqualTo(3 + 5);
        assertThat(whole.path("totalTokens").asLong()).isEqualTo(generated.at("/usageMetadata/promptTokenCount").asLong());
        assertThat(json(limited.post("/v1beta/models/sim:countTokens", user("Say hi"))).path("totalTokens").asLong()).isEqualTo(3 + 5 + 5);
    }

    @Test
    void models_listsThePublicModelsTheKeyMayUse() {
        JsonNode all = json(master.get("/v1beta/models"));
        assertThat(all.path("models").findValuesAsText("name")).containsExactly("models/claude", "models/other", "models/sim");
        assertThat(all.at("/models/2/supportedGenerationMethods").toString())
                .contains("generateContent", "countTokens", "embedContent", "batchEmbedContents");
        // an Anthropic deployment cannot embed: the methods say so
        assertThat(all.at("/models/0/supportedGenerationMethods").toString()).contains("generateContent").doesNotContain("embed");
        assertThat(json(limited.get("/v1beta/models")).path("models").findValuesAsText("name")).containsExactly("models/sim");
        JsonNode paged = json(master.get("/v1beta/models?pageSize=2"));
        assertThat(paged.path("models")).hasSize(2);
        JsonNode next = json(master.get("/v1beta/models?pageSize=2&pageToken=" + paged.path("nextPageToken").asText()));
        assertThat(next.path("models").findValuesAsText("name")).containsExactly("models/sim");
        assertThat(next.has("nextPageToken")).isFalse();

        assertThat(json(master.get("/v1beta/models/sim")).path("name").asText()).isEqualTo("models/sim");
        assertThat(master.get("/v1beta/models/nope").statusCode()).isEqualTo(404);
        assertThat(limited.get("/v1beta/models/other").statusCode()).isEqualTo(403);
    }

    @Test
    void embedContent_answersOneVector() {
        JsonNode r = json(master.post("/v1beta/models/sim:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"alpha beta\"}]},\"outputDimensionality\":16}"));
        assertThat(r.at("/embedding/values")).hasSize(16);
    }

    @Test
    void batchEmbedContents_answersOneVectorPerRequestInOrder() {
        // what @google/genai sends for models.embedContent, whatever the number of contents
        String one = "{\"model\":\"models/sim\",\"content\":{\"parts\":[{\"text\":\"alpha beta\"}]},\"outputDimensionality\":16}";
        String two = "{\"model\":\"models/sim\",\"content\":{\"parts\":[{\"text\":\"gamma\"}]},\"outputDimensionality\":16}";
        JsonNode batch = json(master.post("/v1beta/models/sim:batchEmbedContents", "{\"requests\":[" + one + "," + two + "]}"));
        assertThat(batch.path("embeddings")).hasSize(2);
        assertThat(batch.at("/embeddings/0/values")).hasSize(16);
        JsonNode first = json(master.post("/v1beta/models/sim:embedContent", one));
        JsonNode second = json(master.post("/v1beta/models/sim:embedContent", two));
        assertThat(batch.at("/embeddings/0/values")).isEqualTo(first.at("/embedding/values"));
        assertThat(batch.at("/embeddings/1/values")).isEqualTo(second.at("/embedding/values"));
    }

    @Test
    void batchEmbedContents_badRequests_nameTheField() {
        assertThat(error(master.post("/v1beta/models/sim:batchEmbedContents", "{}"))).isEqualTo("requests");
        assertThat(error(master.post("/v1beta/models/sim:batchEmbedContents", "{\"requests\":[]}"))).isEqualTo("requests");
        assertThat(error(master.post("/v1beta/models/sim:batchEmbedContents", "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"content\":{\"parts\":[]}}]}"))).isEqualTo("requests[1].content.parts");
        assertThat(error(master.post("/v1beta/models/sim:batchEmbedContents", "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"outputDimensionality\":8}]}"))).isEqualTo("requests[1].outputDimensionality");
    }

    /** The {@code param} a 400 names, asserting the status. */
    private static String error(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(400);
        return json(r).at("/error/details/0/metadata/param").asText();
    }
}
