package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI SDK drives the gateway in front of a {@code gemini} deployment on the
 * standalone simulator speaking Gemini: the canonical path both ways (OpenAI request → canonical →
 * Gemini request; Gemini answer and stream → canonical → OpenAI). Usage follows the simulator's
 * formula, so it is asserted exactly.
 */
class OpenAiToGeminiTest {

    static final String UPSTREAM_KEY = "gemini-upstream-secret";
    static SimulatorServer sim;
    static GatewayFixture gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY);
        gw = GatewayFixture.builder().env("GEM_KEY", UPSTREAM_KEY).config("""
                models:
                  gem:
                    - provider: gemini
                      upstreamModel: gemini-2.0-flash
                      baseUrl: %s
                      credentials: { apiKey: "${GEM_KEY}" }
                """.formatted(sim.rootUrl())).start();
        client = gw.openai();
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

    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("gem").addUserMessage(text);
    }

    @Test
    void chat_text_translatesBothWays_withExactUsage() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gem")
                .addSystemMessage("You are terse and exact").addUserMessage("Hello there, gateway")
                .temperature(0.5).maxCompletionTokens(50L).build());
        assertThat(c.model()).isEqualTo("gem");
        assertThat(c.choices().get(0).message().content()).contains("Hello there, gateway");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // 3 + (3 + 5) + (3 + 3); completion 3
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(17);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);

        SimulatorServer.Received up = sim.last();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(up.headers().get("x-goog-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(up.json()).isEqualTo(Json.parse("""
                {"contents":[{"role":"user","parts":[{"text":"Hello there, gateway"}]}],
                 "systemInstruction":{"parts":[{"text":"You are terse and exact"}]},
                 "generationConfig":{"temperature":0.5,"maxOutputTokens":50}}"""));
    }

    @Test
    void moreThanEightChoices_areRefusedNamingN_beforeAnyCall() throws Exception {
        int before = sim.received().size();
        var r = gw.post("/v1/chat/completions", "{\"model\":\"gem\",\"n\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body()).at("/error/param").asText()).isEqualTo("n");
        assertThat(sim.received()).hasSize(before);
    }

    @Test
    void stream_text_reassembles_andShowsUsageWhenAsked() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = s.stream().toList();
        }
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("gem"));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(ch -> ch.finishReason().isPresent())).hasSize(1);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent");
        assertThat(sim.last().query()).isEqualTo("alt=sse");
    }

    private static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "days", Map.of("type", "integer", "minimum", 2))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void toolCall_roundTrip_namesTheFunctionResponseFromTheCallId() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("Weather in Paris?").addFunctionTool(weatherTool()).build());
        var choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.id()).matches("call_[0-9a-f]{24}");
        assertThat(Json.parse(call.function().arguments())).isEqualTo(Json.parse("{\"city\":\"city\",\"days\":2}"));
        JsonNode decl = sim.last().json().at("/tools/0/functionDeclarations/0");
        assertThat(decl.path("name").asText()).isEqualTo("get_weather");
        assertThat(decl.at("/parametersJsonSchema/properties/days/minimum").asInt()).isEqualTo(2);

        ChatCompletion answer = client.chat().completions().create(chat("Weather in Paris?").addFunctionTool(weatherTool())
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .toolCalls(List.of(ChatCompletionMessageToolCall.ofFunction(call))).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp\":21}").build())
                .build());
        assertThat(Json.parse(answer.choices().get(0).message().content().orElseThrow())).isEqualTo(Json.parse("{\"temp\":21}"));
        JsonNode contents = sim.last().json().path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(contents.at("/2/role").asText()).isEqualTo("user");
        assertThat(contents.at("/2/parts/0/functionResponse")).isEqualTo(Json.parse("{\"name\":\"get_weather\",\"response\":{\"temp\":21}}"));
    }

    @Test
    void stream_toolCall_argumentsArriveForTheCall() throws Exception {
        StringBuilder args = new StringBuilder();
        String name = null;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                .createStreaming(chat("Weather in Paris?").addFunctionTool(weatherTool()).build())) {
            for (ChatCompletionChunk c : s.stream().toList()) {
                for (var ch : c.choices()) {
                    for (var tc : ch.delta().toolCalls().orElse(List.of())) {
                        if (tc.function().flatMap(f -> f.name()).isPresent()) name = tc.function().get().name().get();
                        args.append(tc.function().flatMap(f -> f.arguments()).orElse(""));
                    }
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(Json.parse(args.toString())).isEqualTo(Json.parse("{\"city\":\"city\",\"days\":2}"));
    }

    @Test
    void deprecatedFunctions_underReject_areGeminisFunctionDeclarations_answeredAsAFunctionCall() throws Exception {
        try (GatewayFixture strict = GatewayFixture.builder().env("GEM_KEY", UPSTREAM_KEY).config("""
                models:
                  gem:
                    - { provider: gemini, upstreamModel: gemini-2.0-flash, baseUrl: "%s", credentials: { apiKey: "${GEM_KEY}" } }
                router: { unsupportedParameters: reject }
                """.formatted(sim.rootUrl())).start()) {
            java.net.http.HttpResponse<String> r = strict.post("/v1/chat/completions", """
                    {"model":"gem","messages":[{"role":"user","content":"weather?"}],
                     "functions":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
                     "function_call":{"name":"get_weather"}}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(sim.last().json().at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
            JsonNode choice = Json.parse(r.body()).at("/choices/0");
            assertThat(choice.at("/message/function_call/name").asText()).isEqualTo("get_weather");
            assertThat(choice.path("finish_reason").asText()).isEqualTo("function_call");
        }
    }

    @Test
    void reasoningEffort_becomesAThinkingBudget() {
        client.chat().completions().create(chat("hi").reasoningEffort(ReasoningEffort.LOW).build());
        assertThat(sim.last().json().at("/generationConfig/thinkingConfig"))
                .isEqualTo(Json.NODES.objectNode().put("thinkingBudget", 1024).put("includeThoughts", true));
    }

    @Test
    void embeddings_tokenArrays_are400_andNothingReachesGemini() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("gem")
                .inputOfArrayOfTokens(List.of(1L, 2L, 3L)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("unsupported_parameter");
                    assertThat(e.param()).contains("input");
                });
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void embeddings_goThroughBatchEmbedContents() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("gem")
                .inputOfArrayOfStrings(List.of("alpha beta", "gamma")).dimensions(16).build());
        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(0).embedding()).hasSize(16);
        assertThat(r.model()).isEqualTo("gem");
        assertThat(sim.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash:batchEmbedContents");
        assertThat(sim.last().json().at("/requests/1/model").asText()).isEqualTo("models/gemini-2.0-flash");
    }

    @Test
    void embeddings_overAHundredInputs_goAsBatchesOfAHundred_inOrder() {
        int before = sim.received().size();
        List<String> inputs = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) inputs.add("word" + i);
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("gem")
                .inputOfArrayOfStrings(inputs).dimensions(8).build());

        assertThat(r.data()).hasSize(250);
        assertThat(r.data().stream().map(e -> e.index())).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 250).boxed().toList());
        var calls = sim.received().subList(before, sim.received().size());
        assertThat(calls).extracting(c -> c.json().path("requests").size()).containsExactly(100, 100, 50);
        // the same input alone gets the same vector: the order survived the batching
        CreateEmbeddingResponse alone = client.embeddings().create(EmbeddingCreateParams.builder().model("gem")
                .inputOfArrayOfStrings(List.of("word217")).dimensions(8).build());
        assertThat(r.data().get(217).embedding()).isEqualTo(alone.data().get(0).embedding());
    }
}
