package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SecretScan;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.TestServiceAccount;
import dev.switchboard.testing.TestStore;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Vertex deployment's service account is a credential like any other: sealed at rest by the
 * same code (no file of the data dir holds its private key), never shown by the admin API, and
 * opened again to sign in. A deployment missing a part is refused naming the field.
 */
class VertexCredentialsAtRestTest extends SimulatorBackedTest {

    private static String deployment(String credentials) {
        return """
                {"publicModel":"vx","provider":"vertex","upstreamModel":"gemini-2.0-flash-001","baseUrl":"%s","credentials":%s}"""
                .formatted(sim.rootUrl(), credentials);
    }

    @Test
    void theServiceAccount_isSealedAtRest_hiddenByTheAdminApi_andStillSignsIn() throws Exception {
        TestServiceAccount account = TestServiceAccount.trustedBy(sim, "at-rest");
        String keyLine = account.privateKeyPem().lines().skip(3).findFirst().orElseThrow();
        Map<String, String> secrets = Map.of("private key line", keyLine, "key file", account.json());
        try (TestStore store = TestStore.sqlite(); GatewayFixture gw = store.gateway().start()) {
            Admin.create(gw, "/admin/deployments", deployment("{\"serviceAccountJson\":" + Json.text(TextNode.valueOf(account.json()))
                    + ",\"project\":\"p1\",\"location\":\"us-central1\"}"));
            Admin.assertChatOk(gw.chat(GatewayFixture.MASTER_KEY, "vx"));
            assertThat(sim.last().path()).startsWith("/v1/projects/p1/locations/us-central1/publishers/google/models/");

            String listed = gw.get("/admin/deployments").body();
            assertThat(SecretScan.leaks(listed.getBytes(StandardCharsets.UTF_8), secrets)).isEmpty();
            assertThat(Admin.get(gw, "/admin/deployments").findValue("credentialFields").toString())
                    .isEqualTo("[\"location\",\"project\",\"serviceAccountJson\"]");
            SecretScan.files(store.dataDir()).forEach((path, bytes) ->
                    assertThat(SecretScan.leaks(bytes, secrets)).as("secrets in %s", path.getFileName()).isEmpty());
        }
    }

    @Test
    void aDeploymentWithoutItsProject_isRefusedNamingTheField() {
        TestServiceAccount account = TestServiceAccount.create("no-project", sim.tokenUri());
        try (TestStore store = TestStore.sqlite(); GatewayFixture gw = store.gateway().start()) {
            HttpResponse<String> resp = gw.post("/admin/deployments", deployment("{\"serviceAccountJson\":"
                    + Json.text(TextNode.valueOf(account.json())) + ",\"location\":\"us-central1\"}"));
            assertThat(resp.statusCode()).as(resp.body()).isEqualTo(400);
            assertThat(Admin.json(resp).at("/error/param").asText()).isEqualTo("credentials.project");
            assertThat(resp.body()).doesNotContain("PRIVATE KEY");
        }
    }
}
