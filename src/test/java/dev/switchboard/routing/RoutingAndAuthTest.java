package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Direct routing by the environment ({@code openai/…} and bare {@code gpt-…} with
 * {@code OPENAI_API_KEY} set, {@code OPENAI_BASE_URL} moving it to the simulator), the catalog
 * winning over it, key scopes with {@code provider/*}, and the ways a key is presented or refused.
 */
class RoutingAndAuthTest extends SimulatorBackedTest {

    static final String OPENAI_KEY = "sk-upstream-openai-test";
    static final String SCOPED = "sk-sb-scoped-0123456789abcdefghijklmnopqrstuv";
    static final String DISABLED = "sk-sb-disabled-0123456789abcdefghijklmnopqrs";
    static final String EXPIRED = "sk-sb-expired-0123456789abcdefghijklmnopqrst";

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder()
                .env("OPENAI_API_KEY", OPENAI_KEY)
                .env("OPENAI_BASE_URL", sim.baseUrl())
                .config("""
                        models:
                          gpt-4o:
                            - { provider: simulator, upstreamModel: catalog-wins }
                          chat-only:
                            - { provider: groq, upstreamModel: llama, baseUrl: "%4$s", credentials: { apiKey: k } }
                        keys:
                          - { name: scoped, key: %1$s, allowedModels: ["openai/*"] }
                          - { name: off, key: %2$s, enabled: false }
                          - { name: old, key: %3$s, expiresAt: "2020-01-01T00:00:00Z" }
                        """.formatted(SCOPED, DISABLED, EXPIRED, sim.baseUrl()))
                .start();
    }



    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void providerSlashModel_routesToThatProviderWithPrefixStripped() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("openai/gpt-4.1-mini"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.parse(r.body()).get("model").asText()).isEqualTo("openai/gpt-4.1-mini");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("openai");
        assertThat(sim.last().json().get("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(sim.last().headers().get("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
    }

    @Test
    void bareName_routesByKnownPrefix() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("o4-mini"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sim.last().json().get("model").asText()).isEqualTo("o4-mini");
    }

    @Test
    void catalogModel_winsOverDirectRouting() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("gpt-4o"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue("catalog-wins");
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void providerWithoutKey_isNotRouted() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", chat("groq/llama-3.3-70b-versatile"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void providerPattern_scopesAKeyToDirectRouting() throws Exception {
        assertThat(gw.post("/v1/chat/completions", chat("openai/gpt-4.1"), "authorization", "Bearer " + SCOPED).statusCode())
                .isEqualTo(200);
        HttpResponse<String> denied = gw.post("/v1/chat/completions", chat("gpt-4o"), "authorization", "Bearer " + SCOPED);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(Json.parse(denied.body()).at("/error/code").asText()).isEqualTo("model_not_allowed");
    }

    @Test
    void key_readFromXApiKey_andBearerWins() throws Exception {
        assertThat(gw.post("/v1/chat/completions", chat("openai/gpt-4.1"), "authorization", "", "x-api-key", SCOPED).statusCode())
                .isEqualTo(200);
        HttpResponse<String> both = gw.post("/v1/chat/completions", chat("gpt-4o"),
                "authorization", "Bearer " + SCOPED, "x-api-key", GatewayFixture.MASTER_KEY);
        assertThat(both.statusCode()).isEqualTo(403);
    }

    @Test
    void embeddings_onAProviderWithout_isRefusedBeforeTheUpstream() throws Exception {
        HttpResponse<String> r = gw.post("/v1/embeddings", "{\"model\":\"chat-only\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void disabledAndExpiredKeys_are401WithTheirCodes() throws Exception {
        HttpResponse<String> off = gw.post("/v1/chat/completions", chat("gpt-4o"), "authorization", "Bearer " + DISABLED);
        assertThat(off.statusCode()).isEqualTo(401);
        assertThat(Json.parse(off.body()).at("/error/code").asText()).isEqualTo("key_disabled");
        HttpResponse<String> old = gw.post("/v1/chat/completions", chat("gpt-4o"), "authorization", "Bearer " + EXPIRED);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(Json.parse(old.body()).at("/error/code").asText()).isEqualTo("key_expired");
    }
}
