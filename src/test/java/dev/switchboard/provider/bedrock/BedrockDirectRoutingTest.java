package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT.md: AWS credentials in the environment enable direct routing for Bedrock,
 * {@code bedrock/<modelId>} with no deployment configured. {@code BEDROCK_BASE_URL} points it at
 * the simulator, which checks the SigV4 key id; with no region set the signing region is
 * {@code us-east-1}, and a session token goes along.
 */
class BedrockDirectRoutingTest {

    static final String KEY_ID = "AKIDDIRECTROUTE00001";
    static SimulatorServer sim;
    static GatewayFixture gw;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, KEY_ID);
        gw = GatewayFixture.builder()
                .env("AWS_ACCESS_KEY_ID", KEY_ID).env("AWS_SECRET_ACCESS_KEY", "direct-secret").env("AWS_SESSION_TOKEN", "direct-session")
                .env("BEDROCK_BASE_URL", sim.rootUrl())
                .start();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        sim.close();
    }

    @Test
    void bedrockSlashModelId_goesToConverse_signedWithTheEnvironmentsKeys_inUsEast1() {
        String model = "bedrock/anthropic.claude-3-haiku-20240307-v1:0";
        HttpResponseFor<ChatCompletion> raw = gw.openai().chat().completions().withRawResponse()
                .create(ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there, gateway").build());
        ChatCompletion c = raw.parse();
        assertThat(c.model()).isEqualTo(model);
        assertThat(c.choices().getFirst().message().content()).contains("Hello there, gateway");
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);
        SimulatorServer.Received up = sim.last();
        assertThat(up.path()).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        String date = up.headers().get("x-amz-date");
        assertThat(up.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/" + date.substring(0, 8)
                + "/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=");
        assertThat(up.headers().get("x-amz-security-token")).isEqualTo("direct-session");
        assertThat(up.toString()).doesNotContain("direct-secret");
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("bedrock");
    }
}
