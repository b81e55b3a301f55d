package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK drives the in-process gateway, which serves {@code /v1/messages}
 * from the built-in {@code simulator} provider through the canonical model. Usage numbers follow
 * the simulator's documented formula, so they are asserted exactly.
 */
class AnthropicSdkTest {

    static final String LIMITED_KEY = "sk-sb-test-limited-key-0123456789abcdefghijkl";
    static final String PROMPTED_KEY = "sk-sb-test-prompted-key-0123456789abcdefghijk";
    static GatewayFixture gw;

    /** Faults a test provokes must not leave circuits open for the next test. */
    @BeforeEach
    void resetRouting() {
        gw.resetRouting();
    }
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder()
                .env("MAX_BODY_BYTES", "65536")
                .config("""
                        models:
                          claude-sim:
                            - { provider: simulator, upstreamModel: echo-1 }
                          other:
                            - { provider: simulator, upstreamModel: echo-2 }
                        keys:
                          - name: limited
                            key: %s
                            allowedModels: [other]
                          - name: prompted
                            key: %s
                            systemPrompt: Always be brief
                        """.formatted(LIMITED_KEY, PROMPTED_KEY))
                .start();
        client = Anthropic.client(gw, GatewayFixture.MASTER_KEY);
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    static MessageCreateParams.Builder message(String text) {
        return MessageCreateParams.builder().model("claude-sim").maxTokens(256).addUserMessage(text);
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string")))
                                .putAdditionalProperty("unit", JsonValue.from(Map.of("type", "string", "enum", List.of("celsius", "fahrenheit"))))
                                .putAdditionalProperty("days", JsonValue.from(Map.of("type", "integer", "minimum", 2)))
                                .build())
                        .addRequired("city")
                        .build())
                .build();
    }

    static String text(Message m) {
        return m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining());
    }

    static Message accumulate(MessageCreateParams params, List<String> textDeltas) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> textDeltas.add(t.text()));
            });
        }
        return acc.message();
    }

    @Test
    void messages_text_echoesWithExactUsageAndClientModelName() {
        Message m = client.messages().create(message("Hello there, gateway").build());
        assertThat(m.id()).startsWith("msg_");
        assertThat(m.model().asString()).isEqualTo("claude-sim");
        assertThat(text(m)).isEqualTo("Hello there, gateway");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.stopSequence()).isEmpty();
        // input = 3 + (3 + 3 words); output = 3 words
        assertThat(m.usage().inputTokens()).isEqualTo(9);
        assertThat(m.usage().outputTokens()).isEqualTo(3);
        assertThat(m.usage().cacheReadInputTokens()).contains(0L);
        assertThat(m.usage().cacheCreationInputTokens()).contains(0L);
    }

    @Test
    void messages_routingHeaders_nameTheDeployment() {
        HttpResponseFor<Message> r = client.messages().withRawResponse().create(message("hi").build());
        assertThat(r.headers().values("x-switchboard-provider")).containsExactly("simulator");
        assertThat(r.headers().values("x-switchboard-upstream-model")).containsExactly("echo-1");
        assertThat(r.headers().values("x-switchboard-attempts")).containsExactly("1");
        assertThat(r.headers().values("x-request-id").get(0)).matches("req_[0-9a-f]{24}");
        assertThat(r.requestId()).as("the SDK's request id, from request-id").contains(r.headers().values("x-request-id").get(0));
    }

    @Test
    void models_listAndRetrieve_inAnthropicsShape() {
        List<ModelInfo> all = client.models().list().data();
        assertThat(all).extracting(ModelInfo::id).containsExactly("claude-sim", "other");
        assertThat(all.getFirst().displayName()).isEqualTo("claude-sim");
        assertThat(all.getFirst().createdAt()).isNotNull();
        ModelListPage first = client.models().list(ModelListParams.builder().limit(1).build());
        assertThat(first.data()).extracting(ModelInfo::id).containsExactly("claude-sim");
        assertThat(first.hasNextPage()).isTrue();
        assertThat(first.nextPage().data()).extracting(ModelInfo::id).containsExactly("other");
        assertThat(client.models().retrieve("other").displayName()).isEqualTo("other");
        assertThat(Anthropic.client(gw, LIMITED_KEY).models().list().data()).extracting(ModelInfo::id).containsExactly("other");
        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOfSatisfying(NotFoundException.class, e -> {
            // the error in Anthropic's shape too, as the SDK reads it
            assertThat(e.body().toString()).contains("type=error").contains("type=not_found_error");
        });
        // a model has no creation date of its own: one fixed instant, whatever the config does
        assertThat(all.getFirst().createdAt()).isEqualTo(java.time.OffsetDateTime.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void messages_systemPrompt_countsAsAMessage() {
        Message m = client.messages().create(message("Say hi").system("You are terse and exact").build());
        assertThat(text(m)).isEqualTo("Say hi");
        // 3 + (3 + 5) + (3 + 2)
        assertThat(m.usage().inputTokens()).isEqualTo(16);
    }

    @Test
    void messages_keySystemPrompt_goesAheadOfTheClients() {
        Message plain = Anthropic.client(gw, PROMPTED_KEY).messages().create(message("Say hi").build());
        // the key's prompt is a system message: 3 + (3 + 3) + (3 + 2)
        assertThat(plain.usage().inputTokens()).isEqualTo(14);
        Message both = Anthropic.client(gw, PROMPTED_KEY).messages().create(message("Say hi").system("Be exact").build());
        // 3 + (3 + 3) + (3 + 2) + (3 + 2): the key's block, then the client's, each a system message
        assertThat(both.usage().inputTokens()).isEqualTo(19);
    }

    @Test
    void messages_maxTokens_stopsWithMaxTokens() {
        Message m = client.messages().create(MessageCreateParams.builder().model("claude-sim").maxTokens(2)
                .addUserMessage("one two three four").build());
        assertThat(text(m)).isEqualTo("one two");
        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(m.usage().outputTokens()).isEqualTo(2);
    }

    @Test
    void stream_text_deltasInOrder_accumulateToTheMessage() {
        List<String> deltas = new ArrayList<>();
        Message m = accumulate(message("one two three four").build(), deltas);
        assertThat(deltas).containsExactly("one", " two", " three", " four");
        assertThat(text(m)).isEqualTo("one two three four");
        assertThat(m.model().asString()).isEqualTo("claude-sim");
        assertThat(m.id()).startsWith("msg_");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        // message_delta carries the whole usage: 3 + (3 + 4) in, 4 out
        assertThat(m.usage().inputTokens()).isEqualTo(10);
        assertThat(m.usage().outputTokens()).isEqualTo(4);
    }

    @Test
    void messages_stopSequences_stopWithTheSequenceMet_inJsonAndInStreams() {
        MessageCreateParams params = MessageCreateParams.builder().model("claude-sim").maxTokens(256)
                .stopSequences(List.of("zzz", "three")).addUserMessage("one two three four").build();
        Message m = client.messages().create(params);
        assertThat(text(m)).isEqualTo("one two ");
        assertThat(m.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(m.stopSequence()).contains("three");
        Message streamed = accumulate(params, new ArrayList<>());
        assertThat(text(streamed)).isEqualTo("one two ");
        assertThat(streamed.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(streamed.stopSequence()).contains("three");
        // a stop sequence that never occurs: a natural end
        Message natural = client.messages().create(MessageCreateParams.builder().model("claude-sim").maxTokens(256)
                .stopSequences(List.of("zzz")).addUserMessage("one two").build());
        assertThat(natural.stopReason()).contains(StopReason.END_TURN);
        assertThat(natural.stopSequence()).isEmpty();
    }

    @Test
    void stream_maxTokens_stopsWithMaxTokens() {
        Message m = accumulate(MessageCreateParams.builder().model("claude-sim").maxTokens(3)
                .addUserMessage("one two three four five").build(), new ArrayList<>());
        assertThat(text(m)).isEqualTo("one two three");
        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
    }

    @Test
    void messages_toolUse_inputDerivedFromSchema() {
        Message m = client.messages().create(message("Weather in Paris?").addTool(weatherTool()).build());
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content()).hasSize(1);
        ToolUseBlock call = m.content().get(0).asToolUse();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.id()).startsWith("call_");
        JsonNode input = Json.MAPPER.valueToTree(call._input());
        assertThat(input.get("city").asText()).isEqualTo("city");
        assertThat(input.get("unit").asText()).isEqualTo("celsius");
        assertThat(input.get("days").asInt()).isEqualTo(2);
    }

    @Test
    void stream_toolUse_inputJsonDeltasReassembleInTheSdk() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(message("Weather in Paris?")
                .addTool(weatherTool()).toolChoice(ToolChoiceAny.builder().build()).build())) {
            s.stream().forEach(e -> {
                events.add(e);
                acc.accumulate(e);
            });
        }
        long jsonDeltas = events.stream().filter(e -> e.contentBlockDelta().flatMap(d -> d.delta().inputJson()).isPresent()).count();
        assertThat(jsonDeltas).isGreaterThan(1);
        Message m = acc.message();
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = m.content().get(0).asToolUse();
        assertThat(call.name()).isEqualTo("get_weather");
        JsonNode input = Json.MAPPER.valueToTree(call._input());
        assertThat(input.get("unit").asText()).isEqualTo("celsius");
        assertThat(input.get("days").asInt()).isEqualTo(2);
    }

    @Test
    void messages_toolResultTurn_answersFromTheResult() {
        Message first = client.messages().create(message("Weather in Paris?").addTool(weatherTool()).build());
        ToolUseBlock call = first.content().get(0).asToolUse();
        Message second = client.messages().create(message("Weather in Paris?").addTool(weatherTool())
                .addMessage(first)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(call.id()).content("Sunny and 21 degrees").build())))
                .build());
        assertThat(second.stopReason()).contains(StopReason.END_TURN);
        assertThat(text(second)).isEqualTo("Sunny and 21 degrees");
    }

    @Test
    void messages_disableParallelToolUse_isAccepted_andParallelCallsAllTools() {
        Tool other = Tool.builder().name("get_time").description("Time in a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build()).build())
                .build();
        Message one = client.messages().create(message("Weather and time?").addTool(weatherTool()).addTool(other)
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build()).build());
        assertThat(one.content()).hasSize(1);
        Message both = client.messages().create(message("Weather and time?").addTool(weatherTool()).addTool(other)
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(false).build()).build());
        assertThat(both.content()).extracting(b -> b.asToolUse().name()).containsExactly("get_weather", "get_time");
    }

    @Test
    void countTokens_countsSystemMessagesAndTools() {
        long plain = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sim")
                .addUserMessage("Hello there, gateway").build()).inputTokens();
        // 3 + (3 + tokens("Hello there, gateway")) with cl100k_base: Hello, " there", ",", " gateway"
        assertThat(plain).isEqualTo(3 + 3 + 4);
        long withSystem = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sim")
                .system("Be brief").addUserMessage("Hello there, gateway").build()).inputTokens();
        assertThat(withSystem).isEqualTo(plain + 3 + 2);
        long withTool = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sim")
                .addUserMessage("Hello there, gateway").addTool(weatherTool()).build()).inputTokens();
        assertThat(withTool).isGreaterThan(plain + 8);
        long keyed = Anthropic.client(gw, PROMPTED_KEY).messages().countTokens(MessageCountTokensParams.builder().model("claude-sim")
                .addUserMessage("Hello there, gateway").build()).inputTokens();
        assertThat(keyed).isEqualTo(plain + 3 + 3); // "Always be brief"
    }

    @Test
    void countTokens_errorsAsForAMessage() {
        assertThatThrownBy(() -> Anthropic.client(gw, LIMITED_KEY).messages().countTokens(MessageCountTokensParams.builder()
                .model("claude-sim").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.type()).contains(ErrorType.PERMISSION_ERROR));
        assertThatThrownBy(() -> client.messages().countTokens(MessageCountTokensParams.builder().model("nope")
                .addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void errors_surfaceAsTypedSdkExceptions() {
        assertThatThrownBy(() -> Anthropic.client(gw, "sk-sb-wrong-key-000000000000000000000000000000000").messages()
                .create(message("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.type()).contains(ErrorType.AUTHENTICATION_ERROR));
        assertThatThrownBy(() -> Anthropic.client(gw, LIMITED_KEY).messages().create(message("hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.type()).contains(ErrorType.PERMISSION_ERROR);
                    assertThat(e.apiMessage().orElseThrow()).contains("claude-sim");
                });
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("no-such-model").maxTokens(10)
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.type()).contains(ErrorType.NOT_FOUND_ERROR));
        // the SDK will not send a body without max_tokens (BadInputTest sends one over raw HTTP): a value out of range instead
        assertThatThrownBy(() -> client.messages().create(message("hi").putAdditionalBodyProperty("temperature", JsonValue.from(1.5)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.type()).contains(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(e.apiMessage().orElseThrow()).contains("'temperature'");
                    assertThat(e.body().toString()).doesNotContain("param");
                });
        assertThatThrownBy(() -> client.messages().create(message("x".repeat(70_000)).build()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.body().toString()).contains("request_too_large");
                });
    }

    @Test
    void errors_throttledProvider_isARateLimitWithRetryAfter() {
        assertThatThrownBy(() -> client.messages().create(message("[sim status=429 retry_after=2] hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.type()).contains(ErrorType.RATE_LIMIT_ERROR);
                    assertThat(e.headers().values("retry-after")).containsExactly("2");
                    assertThat(e.headers().values("x-should-retry")).as("one attempt: the SDK may retry after 2 s").isEmpty();
                });
    }

    @Test
    void stream_cutMidway_reachesSdkAsError() {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> accumulate(message("[sim cut_after=3] one two three four five six").build(), seen))
                .isInstanceOf(com.anthropic.errors.AnthropicException.class);
        assertThat(String.join("", seen)).isEqualTo("one two");
    }
}
