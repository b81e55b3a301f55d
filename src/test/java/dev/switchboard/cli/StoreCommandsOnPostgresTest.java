package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each command group on PostgreSQL, a database of the test's own, beside a gateway on the same database. */
class StoreCommandsOnPostgresTest {

    private String url;
    private String keyring;
    private Map<String, String> env;

    @BeforeEach
    void freshDatabase() {
        url = TestPostgres.get().freshDatabase();
        keyring = Cli.keyringEntry("pg1");
        env = Map.of("DATABASE_URL", url, "ENCRYPTION_KEYS", keyring);
    }

    private GatewayFixture gateway(String keys) {
        return GatewayFixture.builder().env("DATABASE_URL", url).env("ENCRYPTION_KEYS", keys).start();
    }

    @Test
    void migrate_onPostgres_reportsTheSchemaVersion_withoutAKeyring() {
        Cli.Result r = Cli.run(Map.of("DATABASE_URL", url), "migrate");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).matches("Store at postgresql://127\\.0\\.0\\.1:\\d+/sb_test_[0-9a-f]+ is at schema version \\d+ \\(applied \\d+ migrations?\\)\\.\\n");
        assertThat(Cli.run(Map.of("DATABASE_URL", url), "migrate").out()).contains("already up to date");
    }

    @Test
    void storeCommands_onPostgresWithoutEncryptionKeys_exit2_namingIt() {
        Cli.Result r = Cli.run(Map.of("DATABASE_URL", url), "keys", "list");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: ENCRYPTION_KEYS is required with PostgreSQL").hasLineCount(1);
    }

    @Test
    void keys_onPostgres_createListRevoke_asARunningServerSeesThem() {
        try (GatewayFixture gw = gateway(keyring)) {
            Cli.Result created = Cli.run(env, "keys", "create", "--name", "ci");
            assertThat(created.exit()).as(created.err()).isZero();
            String key = created.line("Key ci: ");
            assertThat(Await.until(() -> gw.get("/v1/models", "authorization", "Bearer " + key).statusCode() == 200, Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(Cli.run(env, "keys", "list").out()).containsPattern("ci +sk-sb-\\S+ +active").doesNotContain(key);
            assertThat(Cli.run(env, "keys", "create", "--name", "ci").exit()).isEqualTo(1);

            assertThat(Cli.run(env, "keys", "revoke", "ci").exit()).isZero();

            assertThat(Await.until(() -> {
                HttpResponse<String> r = gw.get("/v1/models", "authorization", "Bearer " + key);
                return r.statusCode() == 401 && r.body().contains("key_disabled");
            }, Duration.ofSeconds(1))).isTrue();
        }
    }

    @Test
    void deployments_onPostgres_addListRemove_asARunningServerSeesThem() throws Exception {
        try (GatewayFixture gw = gateway(keyring)) {
            Cli.Result added = Cli.run(env, "deployments", "add", "--model", "fresh", "--provider", "simulator", "--upstream-model", "simulator-echo");
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(Await.until(() -> chat(gw, "fresh").statusCode() == 200, Duration.ofSeconds(5))).isTrue();
            assertThat(Cli.run(env, "deployments", "list").out()).containsPattern("dep_\\S+ +fresh +simulator +simulator-echo");
            assertThat(Cli.run(env, "deployments", "add", "--model", "x", "--provider", "nope", "--upstream-model", "y").exit()).isEqualTo(1);

            String id = DeploymentsCommandTest.idOf(env, "fresh");
            assertThat(Cli.run(env, "deployments", "remove", id).exit()).isZero();

            // the catalog is empty again: the server falls back to the built-in demo model
            assertThat(Await.until(() -> chat(gw, "fresh").statusCode() == 404, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void encryptionRotate_onPostgres_reencryptsWithNewActiveKey_andServerStillServes() throws Exception {
        String newer = Cli.keyringEntry("pg2");
        SimulatorServer upstream = SimulatorServer.start("127.0.0.1", 0, EncryptionCommandTest.UPSTREAM_KEY);
        try {
            assertThat(Cli.run(env, "deployments", "add", "--model", "secured", "--provider", "openai", "--upstream-model", "gpt-4o-mini",
                    "--base-url", upstream.baseUrl(), "--api-key", EncryptionCommandTest.UPSTREAM_KEY).exit()).isZero();
            try (GatewayFixture gw = gateway(newer + "," + keyring)) {
                long version = gw.gateway().snapshots().get().version();

                Cli.Result r = Cli.run(Map.of("DATABASE_URL", url, "ENCRYPTION_KEYS", newer + "," + keyring), "encryption", "rotate");

                assertThat(r.out()).as(r.err()).isEqualTo("Re-encrypted 1 stored credential with key 'pg2'.\n");
                try (Connection c = DriverManager.getConnection(url)) {
                    assertThat(EncryptionCommandTest.kids(c)).containsExactly("pg2");
                }
                assertThat(Await.until(() -> gw.gateway().snapshots().get().version() != version, Duration.ofSeconds(5))).isTrue();
                assertThat(chat(gw, "secured").statusCode()).isEqualTo(200);
            }
            Cli.Result list = Cli.run(Map.of("DATABASE_URL", url, "ENCRYPTION_KEYS", newer), "deployments", "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("secured");
        } finally {
            upstream.close();
        }
    }

    private static HttpResponse<String> chat(GatewayFixture gw, String model) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    }
}
