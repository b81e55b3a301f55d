package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.testing.TestServiceAccount;
import dev.switchboard.transport.Json;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployment checks, endpoints and the signed assertion of the {@code vertex} adapter. */
class VertexProviderTest {

    static final TestServiceAccount ACCOUNT = TestServiceAccount.create("unit", "https://oauth2.googleapis.com/token");
    final VertexProvider vertex = new VertexProvider(Clock.systemUTC());

    static DeploymentSpec spec(String model, String baseUrl, Map<String, String> credentials) {
        return new DeploymentSpec("d1", "m", "vertex", model, credentials, baseUrl, null, 1, null, null, null, null, null, Map.of(), true, "test");
    }

    static Map<String, String> creds(String location) {
        Map<String, String> c = new HashMap<>(Map.of("serviceAccountJson", ACCOUNT.json(), "project", "my-proj"));
        if (location != null) c.put("location", location);
        return c;
    }

    private Deployment servable(DeploymentSpec s) {
        return vertex.servable(s, name -> null, Timeouts.DEFAULTS);
    }

    @Test
    void baseUrl_isDerivedFromTheLocation_globalHasNoRegionPrefix_aDeploymentsOverrides() {
        assertThat(servable(spec("gemini-2.0-flash", null, creds("us-central1"))).baseUrl())
                .hasToString("https://us-central1-aiplatform.googleapis.com");
        assertThat(servable(spec("gemini-2.0-flash", null, creds("global"))).baseUrl()).hasToString("https://aiplatform.googleapis.com");
        assertThat(servable(spec("gemini-2.0-flash", "http://127.0.0.1:9/", creds("europe-west4"))).baseUrl()).hasToString("http://127.0.0.1:9");
    }

    @Test
    void wireFormat_followsTheModel_claudeIsAnthropic_elseGemini() {
        assertThat(servable(spec("claude-sonnet-4@20250514", null, creds("us-east5"))).wireFormat()).isEqualTo(WireFormat.ANTHROPIC_MESSAGES);
        assertThat(servable(spec("gemini-2.5-pro", null, creds("us-east5"))).wireFormat()).isEqualTo(WireFormat.GEMINI);
        Deployment d = servable(spec("claude-sonnet-4@20250514", null, creds("us-east5")));
        assertThat(VertexProvider.path(d, "anthropic", "rawPredict"))
                .isEqualTo("/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict");
    }

    @Test
    void aDeploymentMissingAField_isRefusedNamingIt() {
        Map<String, String> noAccount = creds("us-central1");
        noAccount.remove("serviceAccountJson");
        assertThatThrownBy(() -> servable(spec("gemini-2.0-flash", null, noAccount)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("credentials.serviceAccountJson"));
        Map<String, String> noProject = creds("us-central1");
        noProject.remove("project");
        assertThatThrownBy(() -> servable(spec("gemini-2.0-flash", null, noProject)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("credentials.project"));
        assertThatThrownBy(() -> servable(spec("gemini-2.0-flash", null, creds(null))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("credentials.location"));
    }

    @Test
    void aMalformedKeyFile_isRefusedWithoutQuotingIt() {
        Map<String, String> c = creds("us-central1");
        c.put("serviceAccountJson", "{\"client_email\":\"a@b\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nnot-base64!\\n-----END PRIVATE KEY-----\"}");
        assertThatThrownBy(() -> servable(spec("gemini-2.0-flash", null, c)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .contains("credentials.serviceAccountJson").contains("not a readable RSA key").doesNotContain("not-base64"));
        c.put("serviceAccountJson", "{\"private_key\":\"x\"}");
        assertThatThrownBy(() -> servable(spec("gemini-2.0-flash", null, c))).hasMessageContaining("has no client_email");
    }

    @Test
    void theAssertion_isAnRs256JwtWithTheDocumentedClaims_verifiableByThePublicKey() throws Exception {
        ServiceAccount sa = ServiceAccount.parse(ACCOUNT.json());
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        String[] parts = sa.assertion(now).split("\\.");
        assertThat(parts).hasSize(3);
        Base64.Decoder b64 = Base64.getUrlDecoder();
        JsonNode header = Json.parse(b64.decode(parts[0]));
        JsonNode claims = Json.parse(b64.decode(parts[1]));
        assertThat(header).isEqualTo(Json.parse("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + ACCOUNT.keyId() + "\"}"));
        assertThat(claims).isEqualTo(Json.parse("""
                {"iss":"%s","scope":"https://www.googleapis.com/auth/cloud-platform","aud":"https://oauth2.googleapis.com/token",
                 "iat":%d,"exp":%d}""".formatted(ACCOUNT.clientEmail(), now.getEpochSecond(), now.getEpochSecond() + 3600)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(ACCOUNT.keys().getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(b64.decode(parts[2]))).isTrue();
        assertThat(sa.toString()).doesNotContain("PRIVATE KEY").doesNotContain(parts[2]);
    }

    @Test
    void theTokenUri_defaultsToGoogles() {
        String withoutUri = ACCOUNT.json().replaceAll(",?\"token_uri\":\"[^\"]*\"", "");
        assertThat(ServiceAccount.parse(withoutUri).tokenUri()).isEqualTo("https://oauth2.googleapis.com/token");
    }
}
