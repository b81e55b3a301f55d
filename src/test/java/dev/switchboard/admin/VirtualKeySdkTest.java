package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's path end to end: a deployment and a virtual key made through the admin API, the
 * new public model called with the official OpenAI SDK and that key, then the key disabled.
 */
class VirtualKeySdkTest extends SimulatorBackedTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().start();
    }

    static JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("data");
    }

    @Test
    void apiCreatedDeploymentAndKey_workWithTheSdk_untilTheKeyIsDisabled() throws Exception {
        created(gw.post("/admin/deployments", """
                {"publicModel":"team-chat","provider":"openai-compatible","upstreamModel":"sim-upstream",
                 "baseUrl":"%s","credentials":{"apiKey":"sk-upstream-credential"}}
                """.formatted(sim.baseUrl())));
        created(gw.post("/admin/deployments", "{\"publicModel\":\"not-for-this-key\",\"provider\":\"simulator\",\"upstreamModel\":\"s\"}"));
        JsonNode key = created(gw.post("/admin/keys", "{\"name\":\"sdk-user\",\"allowedModels\":[\"team-chat\"]}"));
        var client = gw.openai(key.path("key").asText());

        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("team-chat").addUserMessage("hello from the sdk").build());
        assertThat(c.model()).isEqualTo("team-chat");
        assertThat(c.choices().getFirst().message().content()).contains("hello from the sdk");
        assertThat(sim.received().getLast().headers().get("authorization")).isEqualTo("Bearer sk-upstream-credential");

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("not-for-this-key").addUserMessage("x").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).contains("model_not_allowed"));

        HttpResponse<String> off = gw.request("PATCH", "/admin/keys/" + key.path("id").asText(), "{\"enabled\":false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("team-chat").addUserMessage("again").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).contains("key_disabled"));
    }
}
