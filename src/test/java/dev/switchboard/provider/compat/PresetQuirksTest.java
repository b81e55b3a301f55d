package dev.switchboard.provider.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A preset says what its server accepts: fields it refuses are dropped (or refused with 400
 * under {@code unsupportedParameters: reject}), renamed fields are renamed, and
 * {@code stream_options} goes only to servers that take it.
 */
class PresetQuirksTest extends SimulatorBackedTest {

    static final String CONFIG = """
            models:
              mistral-model:
                - { provider: mistral, upstreamModel: mistral-small, baseUrl: "%1$s", credentials: { apiKey: k } }
              groq-model:
                - { provider: groq, upstreamModel: llama, baseUrl: "%1$s", credentials: { apiKey: k } }
            """;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config(CONFIG.formatted(sim.baseUrl())).start();
    }

    static String body(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + extra + "}";
    }

    @Test
    void unsupportedFields_areDropped_andRenamedFieldsRenamed() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", body("mistral-model", "\"logit_bias\":{\"1\":2},\"seed\":7,\"temperature\":0.5"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode up = sim.last().json();
        assertThat(up.has("logit_bias")).isFalse();
        assertThat(up.has("seed")).isFalse();
        assertThat(up.get("random_seed").asInt()).isEqualTo(7);
        assertThat(up.get("temperature").asDouble()).isEqualTo(0.5);
    }

    @Test
    void streamOptions_goOnlyToServersThatTakeThem() throws Exception {
        gw.post("/v1/chat/completions", body("mistral-model", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(sim.last().json().has("stream_options")).isFalse();
        gw.post("/v1/chat/completions", body("groq-model", "\"stream\":true"));
        assertThat(sim.last().json().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    /** The tokens a key's tpm window still holds for it, as the answer to a plain chat shows after the given stream. */
    private static long remainingTokensAfter(String streamText) {
        String key = dev.switchboard.testing.Admin.create(gw, "/admin/keys",
                "{\"name\":\"usage-" + java.util.UUID.randomUUID() + "\",\"limits\":{\"tpm\":1000000}}").get("key").asText();
        HttpResponse<String> stream = gw.post("/v1/chat/completions", "{\"model\":\"mistral-model\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + streamText + "\"}]}", "authorization", "Bearer " + key);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).as("usage the client did not ask for never reaches it").doesNotContain("\"usage\"");
        HttpResponse<String> next = gw.post("/v1/chat/completions", body("mistral-model", "\"max_tokens\":10"), "authorization", "Bearer " + key);
        return Long.parseLong(next.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    }

    @Test
    void aServerThatAlwaysSendsStreamUsage_isAccounted_butTheClientOnlySeesWhatItAskedFor() {
        long withUsage = remainingTokensAfter("[sim usage_always=1] one two three");
        long withoutUsage = remainingTokensAfter("one two three");
        // without usage the stream settles to nothing; with it, to the tokens the server reported
        assertThat(withoutUsage - withUsage).as("with %d, without %d", withUsage, withoutUsage).isPositive();
    }

    @Test
    void rejectPolicy_refusesAnUnsupportedField_beforeTheUpstream() throws Exception {
        try (GatewayFixture strict = GatewayFixture.builder()
                .config(CONFIG.formatted(sim.baseUrl()) + "router: { unsupportedParameters: reject }\n").start()) {
            HttpResponse<String> r = strict.post("/v1/chat/completions", body("groq-model", "\"logprobs\":true"));
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode err = Json.parse(r.body()).get("error");
            assertThat(err.get("code").asText()).isEqualTo("unsupported_parameter");
            assertThat(err.get("param").asText()).isEqualTo("logprobs");
            assertThat(sim.received()).isEmpty();
        }
    }
}
