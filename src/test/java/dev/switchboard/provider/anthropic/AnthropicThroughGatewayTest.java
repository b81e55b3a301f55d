package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.OpenAiCalls;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole canonical path: the official OpenAI Java SDK → the gateway's OpenAI ingress → the
 * {@code anthropic} adapter → the standalone simulator speaking Anthropic Messages (with an API
 * key it checks). Usage numbers follow the simulator's formula, so they are asserted exactly, and
 * the request the simulator received is checked as Anthropic would see it.
 */
class AnthropicThroughGatewayTest {

    static final String UPSTREAM_KEY = "sk-ant-sim-upstream-key";
    static SimulatorServer sim;
    static GatewayFixture gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY);
        gw = GatewayFixture.builder()
                .env("SIM_KEY", UPSTREAM_KEY)
                .config("""
                        models:
                          claude:
                            - provider: anthropic
                              upstreamModel: claude-sonnet-4-5
                              baseUrl: %1$s
                              credentials: { apiKey: "${SIM_KEY}" }
                          claude-badkey:
                            - provider: anthropic
                              upstreamModel: claude-sonnet-4-5
                              baseUrl: %1$s
                              credentials: { apiKey: not-the-key }
                        """.formatted(sim.rootUrl()))
                .start();
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
        gw.resetRouting();
    }

    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("claude").addUserMessage(text);
    }

    @Test
    void chat_text_reachesAnthropicAsMessagesRequest_withExactUsage() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(chat("Hello there, gateway").build());
        ChatCompletion c = raw.parse();
        assertThat(c.model()).isEqualTo("claude");
        assertThat(c.id()).startsWith("chatcmpl-msg_"); // the upstream's id, in the shape OpenAI clients expect
        assertThat(c.choices().get(0).message().content()).contains("Hello there, gateway");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // prompt = 3 + (3 + 3 words); completion = 3 words
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);

        SimulatorServer.Received up = sim.last();
        assertThat(up.path()).isEqualTo("/v1/messages");
        assertThat(up.json()).isEqualTo(json("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":"Hello there, gateway"}]}"""));
        assertThat(up.headers().get("x-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(up.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.headers().get("content-type")).isEqualTo("application/json");
        assertThat(up.headers().get("authorization")).isNull();
        assertThat(up.toString()).doesNotContain(GatewayFixture.MASTER_KEY);

        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("anthropic");
        assertThat(raw.headers().values("x-switchboard-upstream-model")).containsExactly("claude-sonnet-4-5");
        assertThat(raw.headers().names()).noneMatch(n -> n.toLowerCase().contains("ratelimit"));
        assertThat(raw.headers().values("anthropic-organization-id")).isEmpty();
        assertThat(raw.headers().values("set-cookie")).isEmpty();
    }

    @Test
    void chat_systemAndParameters_becomeAnthropicFields() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addSystemMessage("You are terse and exact")
                .addUserMessage("Say hi")
                .temperature(0.25).topP(0.5).maxCompletionTokens(64).stop("END").user("user-42")
                .putAdditionalHeader("anthropic-beta", "prompt-caching-2024-07-31")
                .putAdditionalHeader("openai-beta", "assistants=v2")
                .build());
        // 3 + (3 + 5) + (3 + 2)
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(16);
        assertThat(sim.last().json()).isEqualTo(json("""
                {"model":"claude-sonnet-4-5","max_tokens":64,"system":"You are terse and exact",
                 "messages":[{"role":"user","content":"Say hi"}],"stop_sequences":["END"],"temperature":0.25,"top_p":0.5,
                 "metadata":{"user_id":"user-42"}}"""));
        assertThat(sim.last().headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        assertThat(sim.last().headers().get("openai-beta")).isNull();
    }

    @Test
    void chat_maxTokensBelowAnswer_finishesWithLength() {
        ChatCompletion c = client.chat().completions().create(chat("one two three four five").maxCompletionTokens(2).build());
        assertThat(c.choices().get(0).message().content()).contains("one two");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(2);
    }

    @Test
    void stream_text_reassembles_withoutUsageUnlessAsked() {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("one two three four").build());
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.model()).isEqualTo("claude");
            assertThat(c.usage()).isEmpty();
        });
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(ch -> ch.finishReason().isPresent()))
                .singleElement().satisfies(ch -> assertThat(ch.finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP));
        assertThat(sim.last().json().get("stream").asBoolean()).isTrue();
        assertThat(sim.last().json().has("stream_options")).isFalse();
    }

    @Test
    void stream_text_showsUsageWhenAsked() {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        // prompt = 3 + (3 + 4), from message_start; completion = 4 words, from message_delta
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(14);
    }

    @Test
    void chat_toolCall_fromToolUseBlock() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool())
                .parallelToolCalls(false).build());
        var choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).startsWith("toolu_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.parse(call.function().arguments())).isEqualTo(json("{\"city\":\"city\",\"unit\":\"celsius\",\"days\":2}"));
        JsonNode up = sim.last().json();
        assertThat(up.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(up.at("/tools/0/input_schema/required/0").asText()).isEqualTo("city");
        assertThat(up.get("tool_choice")).isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
    }

    @Test
    void stream_toolCall_argumentsFromInputJsonDeltasReassembleInOrder() throws Exception {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool())
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        StringBuilder args = new StringBuilder();
        String name = null;
        String id = null;
        int pieces = 0;
        for (ChatCompletionChunk c : chunks) {
            for (var ch : c.choices()) {
                for (var tc : ch.delta().toolCalls().orElse(List.of())) {
                    assertThat(tc.index()).isZero();
                    if (tc.id().isPresent()) id = tc.id().get();
                    if (tc.function().flatMap(f -> f.name()).isPresent()) name = tc.function().get().name().get();
                    String a = tc.function().flatMap(f -> f.arguments()).orElse("");
                    if (!a.isEmpty()) pieces++;
                    args.append(a);
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(id).startsWith("toolu_");
        assertThat(pieces).isGreaterThan(1);
        assertThat(Json.parse(args.toString())).isEqualTo(json("{\"city\":\"city\",\"unit\":\"celsius\",\"days\":2}"));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        // one content chunk per 16-character piece of the 39-character arguments, plus 1 for the call
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(4);
    }

    @Test
    void chat_toolResults_goBackAsToolUseAndMergedToolResults() {
        ChatCompletionMessageToolCall call = ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id("toolu_paris").function(ChatCompletionMessageFunctionToolCall.Function.builder()
                        .name("get_weather").arguments("{\"city\": \"Paris\"}").build()).build());
        ChatCompletionMessageToolCall call2 = ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id("toolu_rome").function(ChatCompletionMessageFunctionToolCall.Function.builder()
                        .name("get_weather").arguments("{\"city\": \"Rome\"}").build()).build());
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addUserMessage("Weather in Paris and Rome?")
                .addMessage(ChatCompletionAssistantMessageParam.builder().toolCalls(List.of(call, call2)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("toolu_paris").content("18 degrees").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("toolu_rome").content("24 degrees and sunny").build())
                .addFunctionTool(OpenAiCalls.weatherTool())
                .build());
        // the last turn holds tool results only, so the simulator answers with the last result's text
        assertThat(c.choices().get(0).message().content()).contains("24 degrees and sunny");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(sim.last().json().get("messages")).isEqualTo(json("""
                [{"role":"user","content":"Weather in Paris and Rome?"},
                 {"role":"assistant","content":[
                   {"type":"tool_use","id":"toolu_paris","name":"get_weather","input":{"city":"Paris"}},
                   {"type":"tool_use","id":"toolu_rome","name":"get_weather","input":{"city":"Rome"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_paris","content":"18 degrees"},
                   {"type":"tool_result","tool_use_id":"toolu_rome","content":"24 degrees and sunny"}]}]"""));
        // 3 + user (3 + 5) + assistant (3 + 2 × (1 + 1): the arguments arrive as compact JSON, one word)
        //   + tool (3 + 2) + tool (3 + 4) + tool definition (8 + 1 + 4)
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(3 + 8 + 7 + 5 + 7 + 13);
    }

    @Test
    void chat_jsonSchema_becomesOutputConfigFormat() throws Exception {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("contact").strict(true).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("email", Map.of("type", "string", "format", "email"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("email")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build()).build()).build();
        ChatCompletion c = client.chat().completions().create(chat("Extract the contact").responseFormat(format).build());
        assertThat(Json.parse(c.choices().get(0).message().content().orElseThrow())).isEqualTo(json("{\"email\":\"user@example.com\"}"));
        assertThat(sim.last().json().at("/output_config/format/type").asText()).isEqualTo("json_schema");
        assertThat(sim.last().json().at("/output_config/format/schema/required/0").asText()).isEqualTo("email");
        assertThat(sim.last().json().has("response_format")).isFalse();
    }

    @Test
    void chat_unsupportedParameters_areDroppedByDefault() {
        ChatCompletion c = client.chat().completions().create(chat("hi there").seed(7L).presencePenalty(0.5).build());
        assertThat(c.choices().get(0).message().content()).contains("hi there");
        JsonNode up = sim.last().json();
        assertThat(up.has("seed")).isFalse();
        assertThat(up.has("presence_penalty")).isFalse();
    }

    @Test
    void chat_allowedTools_reachAnthropicAsOnlyTheToolsAllowed_withTheirMode() throws Exception {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"g\",\"parameters\":{\"type\":\"object\"}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"h\",\"parameters\":{\"type\":\"object\"}}}]";
        String choice = "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\",\"tools\":["
                + "{\"type\":\"function\",\"function\":{\"name\":\"h\"}},{\"type\":\"function\",\"function\":{\"name\":\"g\"}}]}}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":" + tools + ",\"tool_choice\":" + choice + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode up = sim.last().json();
        List<String> names = new java.util.ArrayList<>();
        up.get("tools").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly("g", "h");
        assertThat(up.at("/tool_choice/type").asText()).isEqualTo("any");
        assertThat(Json.parse(r.body()).at("/choices/0/message/tool_calls/0/function/name").asText()).isIn("g", "h");
    }

    @Test
    void chat_deprecatedFunctions_areToolsToAnthropic_andAnsweredAsAFunctionCall() throws Exception {
        String body = """
                {"model":"claude","messages":[{"role":"user","content":"weather in Paris?"}],
                 "functions":[{"name":"get_weather","description":"Weather","parameters":{"type":"object",
                   "properties":{"city":{"type":"string"}},"required":["city"]}}],
                 "function_call":{"name":"get_weather"}%s}""";
        HttpResponse<String> r = gw.post("/v1/chat/completions", body.formatted(""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode up = sim.last().json();
        assertThat(up.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(up.at("/tools/0/input_schema/required/0").asText()).isEqualTo("city");
        assertThat(up.at("/tool_choice")).isEqualTo(Json.parse("{\"type\":\"tool\",\"name\":\"get_weather\"}"));
        JsonNode choice = Json.parse(r.body()).at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("function_call");
        assertThat(choice.at("/message/tool_calls").isMissingNode()).isTrue();
        assertThat(choice.at("/message/function_call/name").asText()).isEqualTo("get_weather");
        assertThat(Json.parse(choice.at("/message/function_call/arguments").asText()).has("city")).isTrue();

        // streamed: delta.function_call, its arguments in pieces
        HttpResponse<String> s = gw.post("/v1/chat/completions", body.formatted(",\"stream\":true"));
        assertThat(s.statusCode()).isEqualTo(200);
        StringBuilder arguments = new StringBuilder();
        String name = null;
        String finish = null;
        for (String line : s.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode c = Json.parse(line.substring(6)).at("/choices/0");
            assertThat(c.at("/delta/tool_calls").isMissingNode()).isTrue();
            JsonNode call = c.at("/delta/function_call");
            if (call.has("name")) name = call.get("name").asText();
            if (call.has("arguments")) arguments.append(call.get("arguments").asText());
            if (c.hasNonNull("finish_reason")) finish = c.get("finish_reason").asText();
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(Json.parse(arguments.toString()).has("city")).isTrue();
        assertThat(finish).isEqualTo("function_call");
    }

    @Test
    void chat_underReject_parametersWithNoCanonicalForm_are400_beforeAnyCall() throws Exception {
        try (GatewayFixture strict = GatewayFixture.builder().env("SIM_KEY", UPSTREAM_KEY).config("""
                models:
                  claude:
                    - { provider: anthropic, upstreamModel: claude-sonnet-4-5, baseUrl: %1$s, credentials: { apiKey: "${SIM_KEY}" } }
                router: { unsupportedParameters: reject }
                """.formatted(sim.rootUrl())).start()) {
            for (String extra : List.of("\"logprobs\":true", "\"top_logprobs\":2", "\"logit_bias\":{\"50256\":-100}",
                    "\"modalities\":[\"text\",\"audio\"]", "\"prediction\":{\"type\":\"content\",\"content\":\"x\"}",
                    "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"g\"}}]",
                    "\"tool_choice\":{\"type\":\"custom\",\"custom\":{\"name\":\"g\"}}")) {
                String param = extra.substring(1, extra.indexOf('"', 1));
                HttpResponse<String> r = strict.post("/v1/chat/completions",
                        "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + extra + "}");
                assertThat(r.statusCode()).as(param).isEqualTo(400);
                assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("unsupported_parameter");
                assertThat(Json.parse(r.body()).at("/error/param").asText()).isEqualTo(param);
            }
            // logprobs: false asks for nothing; the default policy drops the rest, as before
            HttpResponse<String> ok = strict.post("/v1/chat/completions",
                    "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":false}");
            assertThat(ok.statusCode()).isEqualTo(200);
        }
        assertThat(sim.received()).hasSize(1);
        assertThat(gw.post("/v1/chat/completions", "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"logprobs\":true}").statusCode()).isEqualTo(200);
    }

    @Test
    void chat_jsonObject_isAskedThroughAForcedTool_andAnsweredAsText() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("List two fruits as JSON")
                .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build());
        var choice = c.choices().get(0);
        assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(Json.parse(choice.message().content().orElseThrow()).isObject()).isTrue();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode up = sim.last().json();
        assertThat(up.at("/tools/0/name").asText()).isEqualTo(JsonAnswerTool.NAME);
        assertThat(up.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(up.has("output_config")).isFalse();
    }

    @Test
    void stream_jsonObject_streamsTheAnswerAsContent() throws Exception {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("List two fruits as JSON")
                .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build());
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(Json.parse(text).isObject()).isTrue();
        assertThat(chunks.stream().flatMap(c -> c.choices().stream())).allSatisfy(ch -> assertThat(ch.delta().toolCalls()).isEmpty());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void errors_anthropicStatusesMapToGatewayErrors() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("[sim status=429 retry_after=2] hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.headers().values("retry-after")).containsExactly("2");
                    assertThat(e.code()).contains("rate_limit_exceeded");
                });
        assertThat(sim.received()).hasSize(1); // a throttle moves to another deployment only, and there is none
        sim.clear();
        gw.resetRouting(); // each fault on its own: the throttle above would otherwise cool this deployment
        assertThatThrownBy(() -> client.chat().completions().create(chat("[sim status=529] hi").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).contains("upstream_error");
                });
        assertThat(sim.received()).hasSize(3); // overloaded is transient: retried up to maxAttempts
        sim.clear();
        gw.resetRouting();
        assertThatThrownBy(() -> client.chat().completions().create(chat("[sim status=400] hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).contains("invalid_request"));
        assertThat(sim.received()).hasSize(1);
        sim.clear();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-badkey")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
        assertThat(sim.last().headers().get("x-api-key")).isEqualTo("not-the-key");
    }

    @Test
    void stream_cutMidway_reachesSdkAsError() {
        List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                    .createStreaming(chat("[sim cut_after=3] one two three four five six").build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::add)));
            }
        }).isInstanceOf(OpenAIException.class);
        assertThat(String.join("", seen)).isEqualTo("one two");
    }

    private static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
