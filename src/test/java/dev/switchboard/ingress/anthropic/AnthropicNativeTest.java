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
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
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
                """.formatted(sim.rootUrl())).start();
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
