package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard encryption rotate} on the SQLite store a running gateway shares. */
class EncryptionCommandTest {

    static final String UPSTREAM_KEY = "sk-upstream-secret-0123456789";

    @TempDir
    Path dataDir;

    /** The kid of every sealed credential in the raw {@code deployments.credentials} column. */
    static List<String> kids(Connection c) throws Exception {
        List<String> kids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT credentials FROM deployments WHERE credentials IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String envelope = rs.getString(1);
                assertThat(envelope).doesNotContain(UPSTREAM_KEY);
                kids.add(Json.parse(envelope).get("kid").asText());
            }
        }
        return kids;
    }

    private List<String> kids() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("switchboard.db"))) {
            return kids(c);
        }
    }

    @Test
    void encryptionRotate_reencryptsWithNewActiveKey_andServerStillServes() throws Exception {
        String oldKey = Cli.keyringEntry("old");
        String newKey = Cli.keyringEntry("new");
        SimulatorServer upstream = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY); // answers 401 to any other key
        try {
            Map<String, String> before = Cli.sqlite(dataDir, "ENCRYPTION_KEYS", oldKey);
            Cli.Result added = Cli.run(before, "deployments", "add", "--model", "secured", "--provider", "openai", "--upstream-model",
                    "gpt-4o-mini", "--base-url", upstream.baseUrl(), "--api-key", UPSTREAM_KEY);
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(kids()).containsExactly("old");

            // the operator's order: every instance gets the new key first, the old one kept after it
            Map<String, String> ring = Cli.sqlite(dataDir, "ENCRYPTION_KEYS", newKey + "," + oldKey);
            try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).env("ENCRYPTION_KEYS", newKey + "," + oldKey).start()) {
                assertThat(chat(gw).statusCode()).isEqualTo(200);
                long version = gw.gateway().snapshots().get().version();

                Cli.Result r = Cli.run(ring, "encryption", "rotate");

                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).isEqualTo("Re-encrypted 1 stored credential with key 'new'.\n");
                assertThat(kids()).containsExactly("new");
                assertThat(Await.until(() -> gw.gateway().snapshots().get().version() != version, Duration.ofSeconds(5)))
                        .as("the server rebuilt its snapshot from the re-encrypted rows").isTrue();
                assertThat(chat(gw).statusCode()).as("the credential opens with the new key and still works upstream").isEqualTo(200);
            }

            Cli.Result again = Cli.run(ring, "encryption", "rotate");
            assertThat(again.out()).isEqualTo("Nothing to re-encrypt: every stored credential is already sealed with key 'new'.\n");

            // the old key can go: a keyring of the new key alone opens everything
            Map<String, String> after = Cli.sqlite(dataDir, "ENCRYPTION_KEYS", newKey);
            Cli.Result list = Cli.run(after, "deployments", "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("secured");
            try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).env("ENCRYPTION_KEYS", newKey).start()) {
                assertThat(chat(gw).statusCode()).isEqualTo(200);
            }
        } finally {
            upstream.close();
        }
    }

    @Test
    void anInstanceWithoutTheNewKey_refusesAdminWrites_beforeMakingThem_andKeepsServing() throws Exception {
        String oldKey = Cli.keyringEntry("old");
        String newKey = Cli.keyringEntry("new");
        SimulatorServer upstream = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY);
        try {
            Cli.run(Cli.sqlite(dataDir, "ENCRYPTION_KEYS", oldKey), "deployments", "add", "--model", "secured", "--provider", "openai",
                    "--upstream-model", "gpt-4o-mini", "--base-url", upstream.baseUrl(), "--api-key", UPSTREAM_KEY);
            // this instance never got the new key
            try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).env("ENCRYPTION_KEYS", oldKey).start()) {
                Map<String, String> ring = Cli.sqlite(dataDir, "ENCRYPTION_KEYS", newKey + "," + oldKey);
                assertThat(Cli.run(ring, "encryption", "rotate").exit()).isZero();

                var refused = gw.post("/admin/keys", "{\"name\":\"made-after-rotation\"}");
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(Json.parse(refused.body()).at("/error/message").asText()).contains("envelope key 'new'").contains("ENCRYPTION_KEYS");
                assertThat(refused.headers().firstValue("x-should-retry")).hasValue("false");
                Cli.Result keys = Cli.run(ring, "keys", "list");
                assertThat(keys.exit()).as(keys.err()).isZero();
                assertThat(keys.out()).as("nothing was saved").doesNotContain("made-after-rotation");
                assertThat(chat(gw).statusCode()).as("it still serves its last snapshot").isEqualTo(200);
            }
        } finally {
            upstream.close();
        }
    }

    @Test
    void keyringWithoutTheSealingKey_exits2_namingTheMissingKid() {
        String oldKey = Cli.keyringEntry("old");
        Cli.run(Cli.sqlite(dataDir, "ENCRYPTION_KEYS", oldKey), "deployments", "add", "--model", "m", "--provider", "openai",
                "--upstream-model", "gpt-4o-mini", "--api-key", UPSTREAM_KEY);

        Cli.Result r = Cli.run(Cli.sqlite(dataDir, "ENCRYPTION_KEYS", Cli.keyringEntry("new")), "encryption", "rotate");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: envelope key 'old' is not in ENCRYPTION_KEYS").doesNotContain(UPSTREAM_KEY);
    }

    private static java.net.http.HttpResponse<String> chat(GatewayFixture gw) {
        return gw.post("/v1/chat/completions", "{\"model\":\"secured\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
