package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.KeyHash;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard keys …} on the SQLite store a running gateway shares. */
class KeysCommandTest {

    @TempDir
    Path dataDir;

    private static HttpResponse<String> models(GatewayFixture gw, String key) {
        return gw.get("/v1/models", "authorization", "Bearer " + key);
    }

    @Test
    void keysCreate_printsKeyOnce_andTheKeyWorksOnARunningServer() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).start()) {
            Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci", "--models", "demo");

            assertThat(r.exit()).as(r.err()).isZero();
            String key = r.line("Key ci: ");
            assertThat(key).matches("sk-sb-[0-9A-Za-z]{43}");
            assertThat(r.line("Id: ")).matches("key_[0-9A-Za-z]{16}");
            assertThat(r.out()).containsOnlyOnce(key);
            assertThat(r.err()).contains("not shown again").doesNotContain(key);
            assertThat(Await.until(() -> models(gw, key).statusCode() == 200, Duration.ofSeconds(5)))
                    .as("the server accepts the new key within its poll interval").isTrue();
            assertThat(models(gw, key).body()).contains("\"demo\"");

            // only its hash is kept: no later command shows it, and no file of the data dir holds it
            Cli.Result list = Cli.run(Cli.sqlite(dataDir), "keys", "list", "--json");
            assertThat(list.out()).doesNotContain(key).doesNotContain(KeyHash.sha256Hex(key)).contains("\"ci\"");
            try (var files = Files.walk(dataDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(key);
                }
            }
        }
    }

    @Test
    void keysRevoke_disablesTheKeyOnARunningServerWithinASecond() {
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).start()) {
            String key = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci").line("Key ci: ");
            assertThat(Await.until(() -> models(gw, key).statusCode() == 200, Duration.ofSeconds(5))).isTrue();

            Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "revoke", "ci");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Revoked key ci (key_");
            AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
            assertThat(Await.until(() -> {
                last.set(models(gw, key));
                return last.get().statusCode() == 401;
            }, Duration.ofSeconds(1))).as("refused within a second").isTrue();
            assertThat(last.get().body()).contains("\"code\":\"key_disabled\"");
            assertThat(Cli.run(Cli.sqlite(dataDir), "keys", "list").out()).containsPattern("ci +sk-sb-\\S+ +disabled");
        }
    }

    @Test
    void keysRevoke_byId_andAgain_saysItWasAlreadyRevoked() {
        String id = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci").line("Id: ");

        assertThat(Cli.run(Cli.sqlite(dataDir), "keys", "revoke", id).out()).startsWith("Revoked key ci (" + id + ")");
        Cli.Result again = Cli.run(Cli.sqlite(dataDir), "keys", "revoke", id);

        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already revoked");
    }

    @Test
    void keysRevoke_unknownKey_exits1_namingIt() {
        Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "revoke", "nobody");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("switchboard: no key with id or name 'nobody'\n");
    }

    @Test
    void keysRevoke_fileKey_isRefused() {
        String yaml = "keys:\n  - { name: filed, key: sk-sb-file-key-0123456789abcdefghijklmnopqrstu }\n";
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).config(yaml).start()) {
            Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "revoke", "filed");

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("switchboard: key filed (").contains("config file");
            assertThat(models(gw, "sk-sb-file-key-0123456789abcdefghijklmnopqrstu").statusCode()).isEqualTo(200);
            assertThat(Cli.run(Cli.sqlite(dataDir), "keys", "list").out()).containsPattern("filed +\\S+ +active .* file");
        }
    }

    @Test
    void keysCreate_takenName_exits1_namingIt() {
        assertThat(Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci").exit()).isZero();

        Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("switchboard: --name: A key named 'ci' already exists.\n");
    }

    @Test
    void keysCreate_badValues_exit1_namingTheOption() {
        Map<String, String> env = Cli.sqlite(dataDir);
        assertThat(Cli.run(env, "keys", "create", "--name", "a", "--rpm", "0").err()).isEqualTo("switchboard: --rpm: must be at least 1, got 0\n");
        assertThat(Cli.run(env, "keys", "create", "--name", "a", "--budget-period", "monthly").err())
                .startsWith("switchboard: --budget: must be a non-negative amount");
        assertThat(Cli.run(env, "keys", "create", "--name", "a", "--budget", "5", "--budget-period", "hourly").err())
                .startsWith("switchboard: --budget-period: must be one of");
        Cli.Result team = Cli.run(env, "keys", "create", "--name", "a", "--team", "research");
        assertThat(team.exit()).isEqualTo(1);
        assertThat(team.err()).isEqualTo("switchboard: --team: no team with id or name 'research'\n");
        Cli.Result noModel = Cli.run(env, "keys", "create", "--name", "a", "--models", ",");
        assertThat(noModel.exit()).as("no model named is not every model").isEqualTo(1);
        assertThat(noModel.err()).isEqualTo("switchboard: --models: names no model (leave the option out to allow every model)\n");
        assertThat(Cli.run(env, "keys", "create", "--name", "a", "--models", "*").err()).startsWith("switchboard: --models: ");
        Cli.Result expires = Cli.run(env, "keys", "create", "--name", "a", "--expires", "tomorrow");
        assertThat(expires.exit()).as("a value that does not convert is a refusal too").isEqualTo(1);
        assertThat(expires.err()).isEqualTo("switchboard: --expires: 'tomorrow' is not an ISO-8601 instant or date such as 2027-01-31T00:00:00Z or 2027-01-31\n");
        Cli.Result none = Cli.run(env, "keys", "list");
        assertThat(none.out()).as("stdout carries results only").isEmpty();
        assertThat(none.err()).startsWith("No virtual keys");
    }

    @Test
    void keysCreate_json_isTheAdminApisAnswer() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).start()) {
            Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "ci", "--json", "--models", "demo,openai/*",
                    "--rpm", "600", "--budget", "5", "--budget-period", "monthly", "--expires", "2099-01-31T00:00:00Z",
                    "--system-prompt", "Be brief.");

            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode created = Json.parse(r.out()).get("data");
            assertThat(created.get("key").asText()).startsWith("sk-sb-");
            assertThat(created.has("keyHash")).isFalse();
            JsonNode viaApi = Json.parse(gw.get("/admin/keys/" + created.get("id").asText()).body()).get("data");
            for (String field : new String[] {"id", "name", "keyPrefix", "allowedModels", "budget", "limits", "systemPrompt", "expiresAt",
                    "enabled", "source"}) {
                assertThat(created.get(field)).as(field).isEqualTo(viaApi.get(field));
            }
            assertThat(viaApi.get("source").asText()).isEqualTo("api");
        }
    }

    @Test
    void keysList_showsEveryKey_neverItsSecretOrHash() {
        Map<String, String> env = Cli.sqlite(dataDir);
        String a = Cli.run(env, "keys", "create", "--name", "alpha", "--models", "demo,openai/*").line("Key alpha: ");
        String b = Cli.run(env, "keys", "create", "--name", "beta").line("Key beta: ");

        Cli.Result table = Cli.run(env, "keys", "list");
        Cli.Result json = Cli.run(env, "keys", "list", "--json");

        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out()).startsWith("ID ").contains("NAME", "PREFIX", "STATUS", "TEAM", "MODELS", "SOURCE")
                .containsPattern("alpha +" + java.util.regex.Pattern.quote(a.substring(0, 10)) + "\\.\\.\\. +active +- +demo,openai/\\* +api")
                .containsPattern("beta +\\S+ +active +- +\\(all\\) +api");
        for (String secret : new String[] {a, b, KeyHash.sha256Hex(a), KeyHash.sha256Hex(b)}) {
            assertThat(table.out()).doesNotContain(secret);
            assertThat(json.out()).doesNotContain(secret);
        }
        assertThat(json.out()).contains("\"alpha\"", "\"beta\"").doesNotContain("keyHash");
    }
}
