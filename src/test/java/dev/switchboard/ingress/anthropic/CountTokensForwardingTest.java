package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages/count_tokens}: a model served by an Anthropic deployment is counted by
 * the provider's own {@code /v1/messages/count_tokens} (the simulator counts by its usage formula,
 * so the number is exact); a model of another format keeps the gateway's local estimate.
 */
class CountTokensForwardingTest extends SimulatorBackedTest {

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  claude-pub:
                    - { provider: anthropic, upstreamModel: claude-up, baseUrl: "%s", credentials: { apiKey: anthropic-key } }
                  openai-pub:
                    - { provider: openai-compatible, upstreamModel: gpt-up, baseUrl: "%s", credentials: { apiKey: k } }
                """.formatted(sim.rootUrl(), sim.baseUrl())).start();
    }

    private static HttpResponse<String> count(String model, String text) {
        return gw.post("/v1/messages/count_tokens", """
                {"model":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(model, text),
                "x-api-key", GatewayFixture.MASTER_KEY, "content-type", "application/json", "anthropic-beta", "token-counting-2024-11-01");
    }

    private static JsonNode json(String s) {
        try {
            return Json.parse(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(s, e);
        }
    }

    @Test
    void anthropicDeployment_isAskedItself_withTheUpstreamModelAndItsKey() {
        HttpResponse<String> resp = count("claude-pub", "Hello there, gateway");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        // the simulator's formula: 3 + (3 + 3 words) = 9 — the input_tokens a message with this body reports
        assertThat(json(resp.body())).isEqualTo(json("{\"input_tokens\":9}"));
        var up = sim.last();
        assertThat(up.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(up.json().path("model").asText()).isEqualTo("claude-up");
        assertThat(up.json().has("max_tokens")).isFalse();
        assertThat(up.headers().get("x-api-key")).isEqualTo("anthropic-key");
        assertThat(up.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.headers().get("anthropic-beta")).isEqualTo("token-counting-2024-11-01");
        assertThat(resp.headers().firstValue("x-switchboard-provider")).as("an answer from a provider says which").contains("anthropic");
        assertThat(resp.headers().firstValue("x-switchboard-upstream-model")).contains("claude-up");
    }

    @Test
    void aLongerPrompt_countsMore_asTheProviderSaysIt() {
        HttpResponse<String> resp = count("claude-pub", "one two three four five six seven");
        assertThat(json(resp.body()).path("input_tokens").asInt()).isEqualTo(3 + 3 + 7);
    }

    @Test
    void otherFormats_keepTheLocalEstimate_withoutCallingTheProvider() {
        HttpResponse<String> resp = count("openai-pub", "Hello there, gateway");
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        assertThat(json(resp.body()).path("input_tokens").asInt()).isPositive();
        assertThat(sim.received()).isEmpty();
    }
}
