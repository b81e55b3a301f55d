package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A long conversation passes through natively as the client wrote it: the members the gateway
 * does not manage reach the provider byte for byte (escapes and spacing included), while the
 * managed ones are rewritten, and a key's system prompt still lands in front.
 */
class LargeBodyPassthroughTest extends SimulatorBackedTest {

    /** The client's own escapes and spacing, which a re-serialization would not keep. */
    static final String MESSAGES = "[ {\"role\": \"user\", \"content\": \"caf\\u00e9 \\/ " + "a long conversation ".repeat(60) + "\"} ]";

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  chat:
                    - { provider: openai-compatible, upstreamModel: upstream-chat, baseUrl: "%1$s" }
                  claude:
                    - { provider: anthropic, upstreamModel: upstream-claude, baseUrl: "%2$s", credentials: { apiKey: k } }
                """.formatted(sim.baseUrl(), sim.rootUrl())).start();
    }

    @Test
    void openAi_unmanagedMembersArriveVerbatim_managedOnesRewritten() {
        String body = "{\"model\": \"chat\", \"messages\": " + MESSAGES + ", \"stream\": true, \"vendor_extension\": {\"x\": 1.50}}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        String sent = sim.last().body();
        assertThat(sent).contains("\"messages\":" + MESSAGES);
        JsonNode up = sim.last().json();
        assertThat(up.get("model").asText()).isEqualTo("upstream-chat");
        assertThat(up.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(up.at("/vendor_extension/x").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(up.at("/messages/0/content").asText()).startsWith("café / a long conversation");
    }

    @Test
    void aKeysSystemPrompt_goesInFront_ofALongConversation() {
        String key = Admin.create(gw, "/admin/keys", "{\"name\":\"sp-" + UUID.randomUUID() + "\",\"systemPrompt\":\"Answer in French.\"}")
                .get("key").asText();
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\": \"chat\", \"messages\": " + MESSAGES + "}",
                "authorization", "Bearer " + key);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode messages = sim.last().json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.at("/0/role").asText()).isEqualTo("system");
        assertThat(messages.at("/0/content").asText()).isEqualTo("Answer in French.");
        assertThat(messages.at("/1/content").asText()).startsWith("café / a long conversation");
    }

    @Test
    void anthropic_unmanagedMembersArriveVerbatim() {
        String body = "{\"model\": \"claude\", \"max_tokens\": 64, \"messages\": " + MESSAGES + "}";
        HttpResponse<String> r = gw.post("/v1/messages", body, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sim.last().body()).contains("\"messages\":" + MESSAGES);
        assertThat(sim.last().json().get("model").asText()).isEqualTo("upstream-claude");
    }
}
