package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.OpenAiCalls;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.Map;
import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK drives the in-process gateway, which forwards natively to the
 * standalone simulator as an OpenAI-compatible upstream. Usage numbers follow the simulator's
 * documented formula, so they are asserted exactly.
 */
class OpenAiSdkTest extends SimulatorBackedTest {

    static final String UPSTREAM_KEY = "sim-upstream-secret-key";
    static final String CLIENT_KEY = "sk-sb-test-limited-key-0123456789abcdefghijkl";
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder()
                .env("MAX_BODY_BYTES", "65536")
                .env("SIM_KEY", UPSTREAM_KEY)
                .config("""
                        models:
                          sim:
                            - provider: openai-compatible
                              upstreamModel: sim-model-v1
                              baseUrl: %s
                              credentials: { apiKey: "${SIM_KEY}" }
                          other:
                            - { provider: simulator, upstreamModel: echo }
                        keys:
                          - name: limited
                            key: %s
                            allowedModels: [other]
                        """.formatted(sim.baseUrl(), CLIENT_KEY))
                .start();
        client = gw.openai();
    }



    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("sim").addUserMessage(text);
    }

    @Test
    void chat_text_echoesWithExactUsageAndClientModelName() {
        ChatCompletion c = client.chat().completions().create(chat("Hello there, gateway").build());
        assertThat(c.model()).isEqualTo("sim");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).contains("Hello there, gateway");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // prompt = 3 + (3 + 3 words); completion = 3 words
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);
        JsonNode upstream = sim.last().json();
        assertThat(upstream.get("model").asText()).isEqualTo("sim-model-v1");
    }

    @Test
    void chat_systemPrompt_reachesUpstreamAndCountsInUsage() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("sim")
                .addSystemMessage("You are terse and exact")
                .addUserMessage("Say hi").build());
        assertThat(c.choices().get(0).message().content()).contains("Say hi");
        // 3 + (3 + 5) + (3 + 2)
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(16);
        JsonNode messages = sim.last().json().get("messages");
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).get("content").asText()).isEqualTo("You are terse and exact");
    }

    @Test
    void chat_unknownFields_passThroughUntouched() throws Exception {
        client.chat().completions().create(chat("hi")
                .putAdditionalBodyProperty("x_vendor_option", JsonValue.from(Map.of("depth", 3, "tags", List.of("a", "b"))))
                .putAdditionalBodyProperty("logit_bias", JsonValue.from(Map.of("50256", -100)))
                .temperature(0.25)
                .build());
        JsonNode upstream = sim.last().json();
        assertThat(upstream.get("x_vendor_option")).isEqualTo(Json.parse("{\"depth\":3,\"tags\":[\"a\",\"b\"]}"));
        assertThat(upstream.get("logit_bias")).isEqualTo(Json.parse("{\"50256\":-100}"));
        assertThat(upstream.get("temperature").decimalValue()).isEqualByComparingTo("0.25");
    }

    @Test
    void chat_toolFormsWithoutACanonicalForm_reachAnOpenAiUpstreamUntouched_andAreDroppedForAnother() throws Exception {
        String tools = "[{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\",\"format\":{\"type\":\"text\"}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
        String choice = "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}}";
        String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":" + tools + ",\"tool_choice\":" + choice + "}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", body.formatted("sim"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode upstream = sim.last().json();
        assertThat(upstream.get("tools")).isEqualTo(Json.parse(tools));
        assertThat(upstream.get("tool_choice")).isEqualTo(Json.parse(choice));
        // a provider of another format has no custom tools: dropped by the default policy, the function tool kept
        HttpResponse<String> other = gw.post("/v1/chat/completions", body.formatted("other"));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(Json.parse(other.body()).at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("f");
        String customChoice = body.formatted("sim").replace(choice, "{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\"}}");
        assertThat(gw.post("/v1/chat/completions", customChoice).statusCode()).isEqualTo(200);
        assertThat(sim.last().json().at("/tool_choice/custom/name").asText()).isEqualTo("grammar");
    }

    @Test
    void chat_deprecatedFunctionCallHistory_isAccepted_andPassesThrough() throws Exception {
        String messages = "[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"role\":\"function\",\"name\":\"f\",\"content\":\"result\"},{\"role\":\"user\",\"content\":\"and then\"}]";
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"sim\",\"messages\":" + messages + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(sim.last().json().get("messages")).isEqualTo(Json.parse(messages));
        // translated, the call and its result pair up by the function's name
        HttpResponse<String> other = gw.post("/v1/chat/completions", "{\"model\":\"other\",\"messages\":" + messages + "}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    }

    @Test
    void stream_text_reassemblesAndHidesUsageUnlessAsked() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("one two three four").build())) {
            chunks = s.stream().toList();
        }
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.model()).isEqualTo("sim");
            assertThat(c.usage()).isEmpty();
        });
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(ch -> ch.finishReason().isPresent()))
                .hasSize(1);
        // the gateway asked the upstream for usage anyway
        assertThat(sim.last().json().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void stream_text_showsUsageWhenAsked() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = s.stream().toList();
        }
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
    }

    @Test
    void stream_twoChoices_theSdkAccumulatesBoth_nativeAndTranslated() {
        for (String model : List.of("sim", "other")) { // the standalone simulator relayed as is; the in-process one encoded by the gateway
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(model).addUserMessage("one two three").n(2)
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(acc::accumulate);
            }
            ChatCompletion streamed = acc.chatCompletion();
            ChatCompletion whole = client.chat().completions().create(params);
            assertThat(streamed.choices()).as(model).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(streamed.choices().get(i).message().content()).as(model).isEqualTo(whole.choices().get(i).message().content());
                assertThat(streamed.choices().get(i).finishReason()).as(model).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            }
            assertThat(streamed.usage().orElseThrow().completionTokens()).as(model).isEqualTo(whole.usage().orElseThrow().completionTokens());
        }
    }

    @Test
    void chat_toolCall_argumentsDerivedFromSchema() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool()).build());
        var choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.id()).startsWith("call_");
        JsonNode args = Json.parse(call.function().arguments());
        assertThat(args.get("city").asText()).isEqualTo("city");
        assertThat(args.get("unit").asText()).isEqualTo("celsius");
        assertThat(args.get("days").asInt()).isEqualTo(2);
    }

    @Test
    void stream_toolCall_argumentsReassembleInOrder() throws Exception {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                .createStreaming(chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool()).build())) {
            chunks = s.stream().toList();
        }
        StringBuilder args = new StringBuilder();
        String name = null;
        int pieces = 0;
        for (ChatCompletionChunk c : chunks) {
            for (var ch : c.choices()) {
                for (var tc : ch.delta().toolCalls().orElse(List.of())) {
                    assertThat(tc.index()).isZero();
                    if (tc.function().flatMap(f -> f.name()).isPresent()) name = tc.function().get().name().get();
                    String a = tc.function().flatMap(f -> f.arguments()).orElse("");
                    if (!a.isEmpty()) pieces++;
                    args.append(a);
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(pieces).isGreaterThan(1);
        assertThat(Json.parse(args.toString()).get("unit").asText()).isEqualTo("celsius");
    }

    @Test
    void embeddings_returnOneVectorPerInput() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("sim")
                .inputOfArrayOfStrings(List.of("alpha beta", "gamma")).dimensions(16).build());
        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(0).embedding()).hasSize(16);
        assertThat(r.model()).isEqualTo("sim");
        assertThat(r.usage().promptTokens()).isEqualTo(3);
        assertThat(sim.last().path()).isEqualTo("/v1/embeddings");
    }

    @Test
    void embeddings_tokenArrays_reachAnOpenAiUpstreamAsSent() {
        client.embeddings().create(EmbeddingCreateParams.builder().model("sim")
                .inputOfArrayOfTokenArrays(List.of(List.of(1L, 2L, 3L), List.of(4L))).build());
        assertThat(sim.last().json().get("input").toString()).isEqualTo("[[1,2,3],[4]]");
    }

    @Test
    void embeddings_onInProcessSimulator_supportBase64() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("other")
                .input("alpha beta").encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        assertThat(r.data().get(0).embedding()).hasSize(8);
        double norm = r.data().get(0).embedding().stream().mapToDouble(f -> f * f).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void models_listAndRetrieve() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("other", "sim");
        assertThat(client.models().retrieve("sim").id()).isEqualTo("sim");
        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
        List<String> limited = gw.openai(CLIENT_KEY).models().list().data().stream().map(Model::id).toList();
        assertThat(limited).containsExactly("other");
    }

    @Test
    void requestId_isEchoedWhenValidAndMadeOtherwise() {
        HttpResponseFor<ChatCompletion> given = client.chat().completions().withRawResponse()
                .create(chat("hi").putAdditionalHeader("x-request-id", "trace-abc.123_X").build());
        assertThat(given.headers().values("x-request-id")).containsExactly("trace-abc.123_X");
        assertThat(sim.last().headers().get("x-request-id")).isEqualTo("trace-abc.123_X");
        HttpResponseFor<ChatCompletion> made = client.chat().completions().withRawResponse()
                .create(chat("hi").putAdditionalHeader("x-request-id", "bad id with spaces").build());
        assertThat(made.headers().values("x-request-id").get(0)).matches("req_[0-9a-f]{24}");
        assertThat(made.headers().values("x-switchboard-overhead-ms").get(0)).matches("\\d+\\.\\d{3}");
        assertThat(made.headers().values("x-switchboard-provider")).containsExactly("openai-compatible");
        assertThat(made.headers().values("x-switchboard-upstream-model")).containsExactly("sim-model-v1");
        assertThat(made.headers().values("x-switchboard-attempts")).containsExactly("1");
        assertThat(made.headers().values("x-switchboard-cache")).containsExactly("bypass");
        assertThat(made.headers().values("x-switchboard-deployment").get(0)).startsWith("dep_");
    }

    @Test
    void errors_surfaceAsTypedSdkExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("sim")
                .messages(List.of()).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("invalid_request");
                    assertThat(e.param()).contains("messages");
                });
        assertThatThrownBy(() -> gw.openai("sk-sb-wrong-key-000000000000000000000000000000000").chat().completions()
                .create(chat("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).contains("invalid_api_key"));
        assertThatThrownBy(() -> gw.openai(CLIENT_KEY).chat().completions().create(chat("hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).contains("model_not_allowed"));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("no-such-model")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                });
        assertThatThrownBy(() -> client.chat().completions().create(chat("x".repeat(70_000)).build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.code()).contains("request_too_large");
                });
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void stream_cutMidway_reachesSdkAsError() {
        List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                    .createStreaming(chat("[sim cut_after=3] one two three four five six").build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::add)));
            }
        }).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(String.join("", seen)).isEqualTo("one two");
    }

    @Test
    void headers_clientSecretsNeverReachUpstream_upstreamLimitsNeverReachClient() {
        HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(chat("hi")
                .putAdditionalHeader("cookie", "session=secret")
                .putAdditionalHeader("x-switchboard-tags", "a,b")
                .putAdditionalHeader("x-custom-client", "nope")
                .putAdditionalHeader("openai-beta", "assistants=v2")
                .putAdditionalHeader("anthropic-beta", "tools-2024")
                .build());
        var up = sim.last().headers();
        assertThat(up.get("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(up.get("cookie")).isNull();
        assertThat(up.get("x-custom-client")).isNull();
        assertThat(up.get("anthropic-beta")).isNull();
        assertThat(up.get("openai-beta")).isEqualTo("assistants=v2");
        assertThat(up.names()).noneMatch(n -> n.toLowerCase().startsWith("x-switchboard"));
        assertThat(up.names()).noneMatch(n -> n.toLowerCase().startsWith("x-stainless"));
        assertThat(up.toString()).doesNotContain(GatewayFixture.MASTER_KEY);
        assertThat(r.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-ratelimit"));
        assertThat(r.headers().values("set-cookie")).isEmpty();
        assertThat(r.headers().values("openai-version")).containsExactly("2020-10-01");
    }
}
