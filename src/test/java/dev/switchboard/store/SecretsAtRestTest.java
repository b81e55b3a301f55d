package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.KeyHash;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PgDump;
import dev.switchboard.testing.SecretScan;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.TestStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md, "Secrets": provider credentials are sealed at rest, virtual keys and the master key
 * are kept only as SHA-256. Whatever the store writes — the SQLite file, its WAL before a
 * checkpoint and after close, or a PostgreSQL dump — holds none of them, while the sealed
 * credentials still open: the deployments reach the upstream with the very credential given.
 */
class SecretsAtRestTest extends SimulatorBackedTest {

    static final String API_CREDENTIAL = "sk-live-KNOWN-CREDENTIAL-1234567890";
    static final String FILE_CREDENTIAL = "sk-live-FILE-CREDENTIAL-0987654321";
    static final String FILE_KEY = "sk-sb-fileKEYknown0123456789abcdefghijklmnopq";

    /** The file deployment's credential comes in through ${VAR}, as operators write it. */
    private static String config() {
        return """
                models:
                  filed:
                    - { provider: openai-compatible, upstreamModel: file-upstream, baseUrl: "%s", credentials: { apiKey: "${FILE_PROVIDER_KEY}" } }
                keys:
                  - { name: file-key, key: %s }
                """.formatted(sim.baseUrl(), FILE_KEY);
    }

    private static GatewayFixture start(TestStore store) {
        return store.gateway().config(config()).env("FILE_PROVIDER_KEY", FILE_CREDENTIAL).start();
    }

    /** Creates the API deployment and key; returns the secrets by label, the virtual key's value among them. */
    private static Map<String, String> populate(GatewayFixture gw) {
        Admin.create(gw, "/admin/deployments", """
                {"publicModel":"api-model","provider":"openai-compatible","upstreamModel":"api-upstream",
                 "baseUrl":"%s","credentials":{"apiKey":"%s"}}""".formatted(sim.baseUrl(), API_CREDENTIAL));
        String virtualKey = Admin.create(gw, "/admin/keys", "{\"name\":\"api-key\"}").get("key").asText();
        assertThat(virtualKey).startsWith("sk-sb-");
        return Map.of("API deployment credential", API_CREDENTIAL, "file deployment credential", FILE_CREDENTIAL,
                "virtual key", virtualKey, "file key", FILE_KEY, "master key", GatewayFixture.MASTER_KEY);
    }

    /** Both deployments answer through the simulator, each with its own credential as the bearer. */
    private static void assertCredentialsReachUpstream(GatewayFixture gw, String virtualKey) {
        Admin.assertChatOk(gw.chat(virtualKey, "api-model"));
        assertThat(sim.last().path()).isEqualTo("/v1/chat/completions");
        assertThat(sim.last().headers().get("authorization")).isEqualTo("Bearer " + API_CREDENTIAL);
        Admin.assertChatOk(gw.chat(FILE_KEY, "filed"));
        assertThat(sim.last().headers().get("authorization")).isEqualTo("Bearer " + FILE_CREDENTIAL);
    }

    @Test
    void sqlite_noFileOfTheDataDirHoldsASecret_beforeCheckpointAndAfterClose_andCredentialsStillOpen() throws Exception {
        try (TestStore store = TestStore.sqlite()) {
            Map<String, String> secrets;
            try (GatewayFixture gw = start(store)) {
                secrets = populate(gw);
                assertCredentialsReachUpstream(gw, secrets.get("virtual key"));
                assertAdminReadsShowNoSecret(gw, secrets);

                Map<Path, byte[]> running = SecretScan.files(store.dataDir());
                assertThat(running.keySet()).extracting(p -> p.getFileName().toString())
                        .as("the scan covers the database and its write-ahead log, not yet checkpointed")
                        .contains("switchboard.db", "switchboard.db-wal");
                assertThat(SecretScan.contains(running.get(store.dataDir().resolve("switchboard.db-wal")), KeyHash.sha256Hex(secrets.get("virtual key"))))
                        .as("the write-ahead log holds this run's writes, not yet checkpointed").isTrue();
                assertNoSecretIn(running, secrets, "while the gateway runs");
                assertStoredFormsPresent(running, secrets, envelopes(store));
            }

            Map<Path, byte[]> closed = SecretScan.files(store.dataDir());
            assertNoSecretIn(closed, secrets, "after the gateway closed");
            assertStoredFormsPresent(closed, secrets, envelopes(store));

            try (GatewayFixture again = start(store)) {
                assertCredentialsReachUpstream(again, secrets.get("virtual key"));
            }
        }
    }

    @Test
    void postgres_theDatabaseDumpHoldsNoSecret_andCredentialsStillOpen() throws Exception {
        try (TestStore store = TestStore.postgres()) {
            Map<String, String> secrets;
            try (GatewayFixture gw = start(store)) {
                secrets = populate(gw);
                assertCredentialsReachUpstream(gw, secrets.get("virtual key"));
                assertAdminReadsShowNoSecret(gw, secrets);
            }
            PgDump.Dump dump = PgDump.of(store.jdbcUrl());
            assertNoSecretIn(Map.of(Path.of("dump"), dump.bytes()), secrets, dump.method());
            assertStoredFormsPresent(Map.of(Path.of("dump"), dump.bytes()), secrets, envelopes(store));
            assertThat(SecretScan.files(store.dataDir()).keySet()).as("with PostgreSQL nothing is written to the data dir").isEmpty();

            try (GatewayFixture again = start(store)) {
                assertCredentialsReachUpstream(again, secrets.get("virtual key"));
            }
        }
    }

    /** CONTRACT.md: secrets (provider credentials, key hashes) are never returned by the admin API. */
    private static void assertAdminReadsShowNoSecret(GatewayFixture gw, Map<String, String> secrets) {
        Map<String, String> hidden = new LinkedHashMap<>(secrets);
        hidden.put("virtual key hash", KeyHash.sha256Hex(secrets.get("virtual key")));
        hidden.put("file key hash", KeyHash.sha256Hex(FILE_KEY));
        List<String> paths = new ArrayList<>(List.of("/admin/deployments", "/admin/keys", "/admin/models", "/admin/teams"));
        Admin.get(gw, "/admin/deployments").forEach(d -> paths.add("/admin/deployments/" + d.get("id").asText()));
        Admin.get(gw, "/admin/keys").forEach(k -> paths.add("/admin/keys/" + k.get("id").asText()));
        for (String path : paths) {
            String body = gw.get(path).body();
            assertThat(SecretScan.leaks(body.getBytes(StandardCharsets.UTF_8), hidden)).as("secrets in GET %s: %s", path, body).isEmpty();
        }
        assertThat(Admin.get(gw, "/admin/deployments").findValues("credentialFields")).hasSize(2)
                .allSatisfy(f -> assertThat(f.toString()).as("only the credential's field names are shown").isEqualTo("[\"apiKey\"]"));
    }

    private static void assertNoSecretIn(Map<Path, byte[]> files, Map<String, String> secrets, String when) {
        List<String> leaks = new ArrayList<>();
        files.forEach((path, bytes) -> SecretScan.leaks(bytes, secrets).forEach(l -> leaks.add(l + " in " + path.getFileName())));
        assertThat(leaks).as("secrets at rest, %s, over %s", when, files.keySet()).isEmpty();
    }

    /**
     * The positive control: what the store should keep instead of the secrets is in the scanned
     * bytes — the hashes of the keys and the sealed credentials — so an empty scan means absent,
     * not unread.
     */
    private static void assertStoredFormsPresent(Map<Path, byte[]> files, Map<String, String> secrets, List<String> envelopes) {
        byte[] all = concat(files);
        assertThat(SecretScan.contains(all, KeyHash.sha256Hex(secrets.get("virtual key")))).as("the virtual key's hash").isTrue();
        assertThat(SecretScan.contains(all, KeyHash.sha256Hex(FILE_KEY))).as("the file key's hash").isTrue();
        assertThat(SecretScan.contains(all, KeyHash.sha256Hex(GatewayFixture.MASTER_KEY))).as("the master key's hash").isTrue();
        assertThat(envelopes).as("one sealed credential per deployment").hasSize(2);
        for (String envelope : envelopes) assertThat(SecretScan.contains(all, envelope)).as("sealed credential %s", envelope).isTrue();
    }

    /** The sealed credentials as the store holds them, read straight from the database. */
    private static List<String> envelopes(TestStore store) throws SQLException {
        String url = store.kind() == TestStore.Kind.SQLITE ? "jdbc:sqlite:" + store.dataDir().resolve("switchboard.db") : store.jdbcUrl();
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT credentials FROM deployments WHERE credentials IS NOT NULL")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static byte[] concat(Map<Path, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.values().forEach(out::writeBytes);
        return out.toByteArray();
    }
}
