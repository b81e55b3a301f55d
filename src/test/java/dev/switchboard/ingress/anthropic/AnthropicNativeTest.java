package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.usage.UsageGroup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic in, Anthropic out: the official Anthropic SDK against an {@code anthropic} deployment
 * on the standalone simulator speaking the Messages format. The body goes through natively — only
 * {@code model} is rewritten, unknown fields survive — and the answer comes back with the public
 * model name, as JSON and as a relayed event stream.
 */
class AnthropicNativeTest extends SimulatorBackedTest {

    static AnthropicClient client;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  claude-native:
                    - { provider: anthropic, upstreamModel: claude-sim-1, baseUrl: "%s", credentials: { apiKey: sk-ant-upstream-1 } }
                  claude-cut:
                    - { provider: anthropic, upstreamModel: claude-sim-1, baseUrl: "%s", credentials: { apiKey: sk-ant-upstream-1 } }
                """.formatted(sim.rootUrl(), sim.rootUrl())).start();
        client = Anthropic.client(gw, GatewayFixture.MASTER_KEY);
    }

    static MessageCreateParams.Builder message(String text) {
        return MessageCreateParams.builder().model("claude-native").maxTokens(256).addUserMessage(text)
                .putAdditionalBodyProperty("x_unknown_field", com.anthropic.core.JsonValue.from(42));
    }

    static String text(Message m) {
        return m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining());
    }

    @Test
    void json_passesThroughNatively_withOnlyTheModelRewritten() {
        Message m = client.messages().create(message("native hello").build());
        assertThat(m.model().asString()).isEqualTo("claude-native");
        assertThat(text(m)).isEqualTo("native hello");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isPositive();
        var received = sim.last();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.headers().get("x-api-key")).isEqualTo("sk-ant-upstream-1");
        assertThat(received.headers().get("anthropic-version")).isNotBlank();
        assertThat(received.headers().get("authorization")).isNull();
        JsonNode body = received.json();
        assertThat(body.get("model").asText()).isEqualTo("claude-sim-1");
        assertThat(body.get("x_unknown_field").asInt()).isEqualTo(42);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(256);
    }

    @Test
    void aStreamCutMidway_isRecordedWithAtLeastTheTextItCarried_notTheStartFigure() {
        // message_start says 0 output tokens; the cut comes after three words went to the client
        HttpResponse<String> r = gw.post("/v1/messages", """
                {"model":"claude-cut","max_tokens":100,"stream":true,
                 "messages":[{"role":"user","content":"[sim cut_after=6] alpha bravo charlie delta echo foxtrot golf hotel"}]}""",
                "anthropic-version", "2023-06-01");
        assertThat(r.body()).contains("alpha").contains("event: error");
        assertThat(Await.until(() -> !usage("claude-cut").isEmpty(), Duration.ofSeconds(5))).isTrue();
        UsageGroup g = usage("claude-cut").getFirst();
        assertThat(g.inputTokens()).as("the provider's input figure is kept").isPositive();
        assertThat(g.outputTokens()).as("about four characters a token of what was streamed").isGreaterThanOrEqualTo(3);
    }

    static List<UsageGroup> usage(String model) {
        return gw.gateway().store().usage().summarize(UsageGroup.By.MODEL, Instant.EPOCH, Instant.now().plusSeconds(86_400)).stream()
                .filter(g -> model.equals(g.group())).toList();
    }

    @Test
    void stream_isRelayedEventByEvent_withThePublicModel() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(message("streamed native words").build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.model().asString()).isEqualTo("claude-native");
        assertThat(text(m)).isEqualTo("streamed native words");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(sim.last().json().get("stream").asBoolean()).isTrue();
    }
}
