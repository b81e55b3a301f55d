package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard deployments …} on the SQLite store a running gateway shares. */
class DeploymentsCommandTest {

    @TempDir
    Path dataDir;

    private static HttpResponse<String> chat(GatewayFixture gw, String model) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    }

    /** The id of the one deployment that {@code deployments list --json} shows for {@code model}. */
    static String idOf(Map<String, String> env, String model) throws Exception {
        for (JsonNode d : Json.parse(Cli.run(env, "deployments", "list", "--json").out()).get("data")) {
            if (d.get("publicModel").asText().equals(model)) return d.get("id").asText();
        }
        throw new AssertionError("no deployment of " + model);
    }

    @Test
    void deploymentsAdd_newModelIsServedByRunningServer() {
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).start()) {
            assertThat(chat(gw, "fresh").statusCode()).isEqualTo(404);

            Cli.Result r = Cli.run(Cli.sqlite(dataDir), "deployments", "add", "--model", "fresh", "--provider", "simulator",
                    "--upstream-model", "simulator-echo");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).matches("Added deployment dep_[0-9A-Za-z]{16}: public model fresh, served by simulator/simulator-echo\\.\\n");
            assertThat(Await.until(() -> chat(gw, "fresh").statusCode() == 200, Duration.ofSeconds(5)))
                    .as("the server routes the new model within its poll interval").isTrue();
            assertThat(chat(gw, "fresh").body()).contains("\"content\":\"hello\"");
            assertThat(gw.get("/v1/models").body()).contains("\"fresh\"");
        }
    }

    @Test
    void deploymentsAdd_unknownProvider_exits1_namingProvider() {
        Cli.Result r = Cli.run(Cli.sqlite(dataDir), "deployments", "add", "--model", "m", "--provider", "nope", "--upstream-model", "x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("switchboard: --provider: provider 'nope' is not available in this build (available: ")
                .contains("openai").contains("simulator");
        assertThat(r.err().lines().count()).isOne();
        Cli.Result none = Cli.run(Cli.sqlite(dataDir), "deployments", "list");
        assertThat(none.out()).as("stdout carries results only").isEmpty();
        assertThat(none.err()).startsWith("No deployments");
    }

    @Test
    void deploymentsAdd_withoutAnApiKey_exits1_namingWhereOneMayCome() {
        Map<String, String> env = Cli.sqlite(dataDir);
        Cli.Result none = Cli.run(env, "deployments", "add", "--model", "m", "--provider", "openai", "--upstream-model", "gpt-4o-mini");
        Cli.Result unset = Cli.run(env, "deployments", "add", "--model", "m", "--provider", "openai", "--upstream-model", "gpt-4o-mini",
                "--api-key-env", "PROD_OPENAI_KEY");
        Cli.Result fromEnv = Cli.run(Cli.sqlite(dataDir, "OPENAI_API_KEY", "sk-from-env"), "deployments", "add", "--model", "m",
                "--provider", "openai", "--upstream-model", "gpt-4o-mini");

        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("switchboard: --api-key: provider 'openai' needs an API key (in the deployment or OPENAI_API_KEY)\n");
        assertThat(unset.exit()).isEqualTo(1);
        assertThat(unset.err()).isEqualTo("switchboard: --api-key-env: PROD_OPENAI_KEY is not set in this environment\n");
        assertThat(fromEnv.exit()).as("the provider's variable in this environment makes it servable").isZero();
    }

    @Test
    void deploymentsAdd_badValues_exit1_namingTheOption() {
        Map<String, String> env = Cli.sqlite(dataDir);
        String[] base = {"deployments", "add", "--provider", "simulator", "--upstream-model", "x"};
        assertThat(Cli.run(env, concat(base, "--model", "bad name")).err()).startsWith("switchboard: --model: a public model name is");
        assertThat(Cli.run(env, concat(base, "--model", "m", "--weight", "-1")).err()).isEqualTo("switchboard: --weight: must not be negative\n");
        assertThat(Cli.run(env, concat(base, "--model", "m", "--input-price", "-2")).err())
                .isEqualTo("switchboard: --input-price: must be a non-negative number of USD per million tokens\n");
        Cli.Result both = Cli.run(env, concat(base, "--model", "m", "--api-key", "a", "--api-key-env", "B"));
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void deploymentsList_showsCredentialFieldNames_neverTheirValues() {
        Map<String, String> env = Cli.sqlite(dataDir, "UPSTREAM_KEY", "sk-upstream-very-secret-2");
        Cli.run(env, "deployments", "add", "--model", "a", "--provider", "openai", "--upstream-model", "gpt-4o-mini", "--api-key",
                "sk-upstream-very-secret-1", "--weight", "3", "--input-price", "0.15", "--output-price", "0.6");
        Cli.run(env, "deployments", "add", "--model", "b", "--provider", "groq", "--upstream-model", "llama", "--api-key-env", "UPSTREAM_KEY");
        Cli.run(env, "deployments", "add", "--model", "c", "--provider", "simulator", "--upstream-model", "simulator-echo");

        Cli.Result table = Cli.run(env, "deployments", "list");
        Cli.Result json = Cli.run(env, "deployments", "list", "--json");

        assertThat(table.out().lines().toList()).hasSize(4);
        assertThat(table.out()).startsWith("ID ")
                .containsPattern("dep_\\S+ +a +openai +gpt-4o-mini +3 +yes +apiKey +api")
                .containsPattern("dep_\\S+ +b +groq +llama +1 +yes +apiKey +api")
                .containsPattern("dep_\\S+ +c +simulator +simulator-echo +1 +yes +- +api");
        for (Cli.Result r : new Cli.Result[] {table, json}) {
            assertThat(r.out()).doesNotContain("very-secret");
        }
        assertThat(json.out()).contains("\"credentialFields\" : [ \"apiKey\" ]").contains("\"inputPerMTokens\" : 0.15");
    }

    @Test
    void deploymentsRemove_apiEntry_isNoLongerServed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).start()) {
            Map<String, String> env = Cli.sqlite(dataDir);
            Cli.run(env, "deployments", "add", "--model", "keep", "--provider", "simulator", "--upstream-model", "simulator-echo");
            Cli.run(env, "deployments", "add", "--model", "drop", "--provider", "simulator", "--upstream-model", "simulator-echo");
            assertThat(Await.until(() -> chat(gw, "drop").statusCode() == 200, Duration.ofSeconds(5))).isTrue();
            String id = idOf(env, "drop");

            Cli.Result r = Cli.run(env, "deployments", "remove", id);

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("Removed deployment " + id + " (public model drop, simulator/simulator-echo).\n");
            assertThat(Await.until(() -> chat(gw, "drop").statusCode() == 404, Duration.ofSeconds(5))).isTrue();
            assertThat(chat(gw, "keep").statusCode()).isEqualTo(200);
            Cli.Result again = Cli.run(env, "deployments", "remove", id);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).isEqualTo("switchboard: No deployment with id '" + id + "'.\n");
        }
    }

    @Test
    void deploymentsRemove_fileEntry_isRefused() throws Exception {
        String yaml = "models:\n  filed:\n    - { provider: simulator, upstreamModel: simulator-echo }\n";
        try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).config(yaml).start()) {
            Map<String, String> env = Cli.sqlite(dataDir);
            String id = idOf(env, "filed");

            Cli.Result r = Cli.run(env, "deployments", "remove", id);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("switchboard: deployment " + id
                    + ": This deployment comes from the config file (SWITCHBOARD_CONFIG); change it there.\n");
            assertThat(Cli.run(env, "deployments", "list").out()).containsPattern(id + " +filed +simulator .* file");
            assertThat(chat(gw, "filed").statusCode()).isEqualTo(200);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
