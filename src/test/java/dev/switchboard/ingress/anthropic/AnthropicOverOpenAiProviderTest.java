package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic SDK against an {@code openai-compatible} deployment: the standalone simulator,
 * which speaks the OpenAI wire format, so every request and answer crosses formats through the
 * canonical model (Anthropic Messages in, OpenAI Chat Completions out, and back). Needs the OpenAI
 * adapter's canonical mode.
 */
class AnthropicOverOpenAiProviderTest extends SimulatorBackedTest {

    static AnthropicClient client;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  claude-over-openai:
                    - { provider: openai-compatible, upstreamModel: sim-model-v1, baseUrl: %s }
                """.formatted(sim.baseUrl())).start();
        client = Anthropic.client(gw, GatewayFixture.MASTER_KEY);
    }

    static MessageCreateParams.Builder message(String text) {
        return MessageCreateParams.builder().model("claude-over-openai").maxTokens(256).addUserMessage(text);
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string")))
                                .putAdditionalProperty("unit", JsonValue.from(Map.of("type", "string", "enum", List.of("celsius", "fahrenheit"))))
                                .build())
                        .addRequired("city")
                        .build())
                .build();
    }

    static String text(Message m) {
        return m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining());
    }

    @Test
    void maxTokensZero_crossFormats_is400NamingIt_beforeAnyCall() {
        int before = sim.received().size();
        assertThatThrownBy(() -> client.messages().create(message("hi").maxTokens(0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("max_tokens"));
        assertThat(sim.received()).hasSize(before);
    }

    @Test
    void messages_text_crossFormats_withExactUsage() {
        Message m = client.messages().create(message("Hello there, gateway").system("Be exact").stopSequences(List.of("END")).build());
        assertThat(m.model().asString()).isEqualTo("claude-over-openai");
        assertThat(text(m)).isEqualTo("Hello there, gateway");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        // 3 + (3 + 2) + (3 + 3) in, 3 out
        assertThat(m.usage().inputTokens()).isEqualTo(14);
        assertThat(m.usage().outputTokens()).isEqualTo(3);
        JsonNode upstream = sim.last().json();
        assertThat(sim.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.get("model").asText()).isEqualTo("sim-model-v1");
        assertThat(upstream.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(upstream.at("/messages/1/role").asText()).isEqualTo("user");
    }

    @Test
    void aProviderReportingNoUsage_isShownTheGatewaysEstimate_jsonAndStream() {
        // the simulator's no_usage: no usage in its answer, none in its stream though asked
        Message m = client.messages().create(message("[sim no_usage=1] Hello there, gateway").build());
        assertThat(text(m)).isEqualTo("Hello there, gateway");
        assertThat(m.usage().inputTokens()).as("the prompt counted").isPositive();
        assertThat(m.usage().outputTokens()).as("the answer counted").isPositive();

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(message("[sim no_usage=1] one two three four").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(sim.last().json().at("/stream_options/include_usage").asBoolean()).as("asked, and not given").isTrue();
        assertThat(acc.message().usage().inputTokens()).isPositive();
        assertThat(acc.message().usage().outputTokens()).as("what was streamed, estimated").isPositive();
    }

    @Test
    void stream_text_crossFormats_deltasInOrder() {
        List<String> deltas = new ArrayList<>();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(message("one two three four").build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> deltas.add(t.text()));
            });
        }
        Message m = acc.message();
        assertThat(deltas).containsExactly("one", " two", " three", " four");
        assertThat(text(m)).isEqualTo("one two three four");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(10);
        assertThat(m.usage().outputTokens()).isEqualTo(4);
    }

    @Test
    void toolUse_thenToolResult_crossFormats() {
        Message first = client.messages().create(message("Weather in Paris?").addTool(weatherTool()).build());
        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(Json.MAPPER.valueToTree(call._input()).get("unit").asText()).isEqualTo("celsius");
        assertThat(sim.last().json().at("/tools/0/function/name").asText()).isEqualTo("get_weather");

        Message second = client.messages().create(message("Weather in Paris?").addTool(weatherTool())
                .addMessage(first)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(call.id()).content("Sunny and 21 degrees").build())))
                .build());
        assertThat(text(second)).isEqualTo("Sunny and 21 degrees");
        JsonNode upstream = sim.last().json().get("messages");
        assertThat(upstream.get(1).at("/tool_calls/0/id").asText()).isEqualTo(call.id());
        assertThat(upstream.get(2).get("role").asText()).isEqualTo("tool");
        assertThat(upstream.get(2).get("tool_call_id").asText()).isEqualTo(call.id());
    }

    @Test
    void stream_toolUse_crossFormats_inputReassembles() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(message("Weather in Paris?")
                .addTool(weatherTool()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(Json.MAPPER.valueToTree(call._input()).get("city").asText()).isEqualTo("city");
    }

    @Test
    void continuingAMessageThread_isThreadNotFound_soTheSdkSendsTheWholeConversation() throws Exception {
        String body = "{\"model\":\"claude-over-openai\",\"max_tokens\":64,%s\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int before = sim.received().size();
        var r = gw.post("/v1/messages", body.formatted("\"thread\":{\"type\":\"continue\",\"previous_message_id\":\"msg_1\"},"),
                "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).isEqualTo(404);
        var error = Json.parse(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("not_found_error");
        assertThat(error.at("/details/error_code").asText()).isEqualTo("thread_not_found");
        assertThat(sim.received()).hasSize(before);
        // a new thread carries the whole conversation: served, the thread left out
        var created = gw.post("/v1/messages", body.formatted("\"thread\":{\"type\":\"create\"},"), "anthropic-version", "2023-06-01");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(sim.last().json().has("thread")).isFalse();
    }
}
