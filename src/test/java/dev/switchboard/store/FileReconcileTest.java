package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestStore;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT.md, "Config file": at every start the file is reconciled into the store. Entries keep
 * their content-derived id while their identity (for a deployment: public model, provider,
 * upstream model, base URL) stays; entries gone from the file leave the store and the API; what
 * the API created is never touched; and the zero-config {@code demo} model stands in only while
 * the catalog is empty.
 */
class FileReconcileTest {

    static final String KEY_A = "sk-sb-reconcileKeyAlpha0123456789abcdefghijkl";
    static final String KEY_B = "sk-sb-reconcileKeyBeta01234567890abcdefghijkl";
    static final String ROTATED_1 = "sk-sb-reconcileRotatedOne0123456789abcdefghi";
    static final String ROTATED_2 = "sk-sb-reconcileRotatedTwo0123456789abcdefghi";

    static final String FIRST = """
            models:
              alpha:
                - { provider: simulator, upstreamModel: sim-alpha }
              beta:
                - { provider: simulator, upstreamModel: sim-beta }
              gamma:
                - { provider: simulator, upstreamModel: sim-gamma-1 }
            teams:
              - { name: red }
              - { name: blue, budget: { maxUsd: 10, period: daily } }
            keys:
              - { name: k-alpha, key: %s, team: red, allowedModels: [alpha] }
              - { name: k-beta, key: %s, team: blue, allowedModels: [beta] }
              - { name: k-rotated, key: %s }
              - { name: k-generated }
            fallbacks:
              - { primaryModel: alpha, reason: general, targets: [beta] }
            router: { strategy: least-busy }
            """.formatted(KEY_A, KEY_B, ROTATED_1);

    /**
     * beta (its key, team and chain) removed; alpha, red, k-alpha and k-rotated's value changed in
     * place; gamma's upstream changed; k-generated as it was.
     */
    static final String SECOND = """
            models:
              alpha:
                - { provider: simulator, upstreamModel: sim-alpha, weight: 3, pricing: { inputPerMTokens: 1, outputPerMTokens: 2 } }
              gamma:
                - { provider: simulator, upstreamModel: sim-gamma-2 }
            teams:
              - { name: red, budget: { maxUsd: 20, period: weekly } }
            keys:
              - { name: k-alpha, key: %s, team: red, allowedModels: [alpha, api-model] }
              - { name: k-rotated, key: %s }
              - { name: k-generated }
            fallbacks:
              - { primaryModel: alpha, reason: general, targets: [gamma] }
            router: { strategy: cost-based }
            """.formatted(KEY_A, ROTATED_2);

    @Test
    void restartsWithAChangedFile_thenWithNone_thenAnEmptyOne_reconcileFileEntries_andLeaveApiEntriesAlone() {
        try (TestStore store = TestStore.sqlite()) {
            Map<String, JsonNode> firstDeployments;
            Map<String, JsonNode> apiEntries;
            Map<String, JsonNode> firstKeys;
            String apiKey;
            String generated;
            try (GatewayFixture gw = store.gateway().config(FIRST).start()) {
                generated = gw.stdout().lines().filter(l -> l.startsWith("Key k-generated: ")).findFirst()
                        .map(l -> l.substring("Key k-generated: ".length())).orElseThrow(() -> new AssertionError("printed: " + gw.stdout()));
                Admin.assertChatOk(gw.chat(generated, "alpha"));
                Admin.assertChatOk(gw.chat(ROTATED_1, "alpha"));
                firstKeys = byName(Admin.get(gw, "/admin/keys"), "name");
                firstDeployments = byName(Admin.get(gw, "/admin/deployments"), "upstreamModel");
                assertThat(firstDeployments).containsOnlyKeys("sim-alpha", "sim-beta", "sim-gamma-1");
                assertThat(publicModels(gw)).as("no demo while the file fills the catalog").containsExactly("alpha", "beta", "gamma");
                Admin.assertChatOk(gw.chat(KEY_B, "beta"));

                apiKey = createApiEntries(gw);
                apiEntries = apiViews(gw);
            }

            try (GatewayFixture gw = store.gateway().config(SECOND).start()) {
                Map<String, JsonNode> deployments = byName(Admin.get(gw, "/admin/deployments"), "upstreamModel");
                assertThat(deployments).containsOnlyKeys("sim-alpha", "sim-gamma-2", "api-upstream");
                JsonNode alpha = deployments.get("sim-alpha");
                assertThat(alpha.get("id")).as("alpha changed but kept its identity, so its id").isEqualTo(firstDeployments.get("sim-alpha").get("id"));
                assertThat(alpha.get("weight").asInt()).isEqualTo(3);
                assertThat(alpha.at("/pricing/inputPerMTokens").asDouble()).isEqualTo(1.0);
                assertThat(deployments.get("sim-gamma-2").get("id")).as("gamma's upstream is part of its identity: a new id")
                        .isNotEqualTo(firstDeployments.get("sim-gamma-1").get("id"));
                for (String gone : List.of("sim-beta", "sim-gamma-1")) {
                    Admin.assertError(gw.get("/admin/deployments/" + firstDeployments.get(gone).get("id").asText()), 404, "invalid_request_error", "not_found");
                }

                assertThat(publicModels(gw)).containsExactly("alpha", "api-model", "gamma");
                Admin.assertError(gw.chat(gw.adminKey(), "beta"), 404, "invalid_request_error", "model_not_found");
                assertServedBy(gw, "gamma", "sim-gamma-2");

                Map<String, JsonNode> keys = byName(Admin.get(gw, "/admin/keys"), "name");
                assertThat(keys).containsOnlyKeys("k-alpha", "k-rotated", "k-generated", "api-key");
                assertThat(gw.stdout()).as("a generated file key is printed on its first start only").doesNotContain("Key k-generated");
                Admin.assertChatOk(gw.chat(generated, "alpha"));
                assertThat(keys.get("k-generated")).as("the generated key, kept as it was").isEqualTo(firstKeys.get("k-generated"));
                Admin.assertError(gw.chat(ROTATED_1, "alpha"), 401, "authentication_error", "invalid_api_key");
                Admin.assertChatOk(gw.chat(ROTATED_2, "alpha"));
                assertThat(keys.get("k-rotated").get("id")).as("a new value for the same key name keeps its id")
                        .isEqualTo(firstKeys.get("k-rotated").get("id"));
                Admin.assertError(gw.chat(KEY_B, "beta"), 401, "authentication_error", "invalid_api_key");
                Admin.assertChatOk(gw.chat(KEY_A, "api-model")); // k-alpha's scope changed in place
                Map<String, JsonNode> teams = byName(Admin.get(gw, "/admin/teams"), "name");
                assertThat(teams).containsOnlyKeys("red", "api-team");
                assertThat(teams.get("red").at("/budget/period").asText()).isEqualTo("weekly");
                assertThat(keys.get("k-alpha").get("teamId")).isEqualTo(teams.get("red").get("id"));

                JsonNode chains = Admin.get(gw, "/admin/fallbacks");
                assertThat(chains).hasSize(2);
                assertThat(byName(chains, "primaryModel").get("alpha").get("targets").get(0).asText()).isEqualTo("gamma");
                JsonNode router = Admin.get(gw, "/admin/router-settings");
                assertThat(router.get("strategy").asText()).isEqualTo("cost-based");
                assertThat(router.get("source").asText()).isEqualTo("file");

                assertThat(apiViews(gw)).as("entries created through the API, untouched").isEqualTo(apiEntries);
                Admin.assertChatOk(gw.chat(apiKey, "api-model"));
            }

            try (GatewayFixture gw = store.gateway().start()) {
                assertThat(Admin.get(gw, "/admin/keys").findValuesAsText("name")).as("no file, nothing reconciled: the file's entries stay")
                        .containsExactlyInAnyOrder("k-alpha", "k-rotated", "k-generated", "api-key");
                assertThat(Admin.get(gw, "/admin/router-settings").get("source").asText()).isEqualTo("file");
                Admin.assertChatOk(gw.chat(generated, "alpha"));
            }

            try (GatewayFixture gw = store.gateway().config("").start()) {
                assertThat(Admin.get(gw, "/admin/deployments").findValuesAsText("source")).containsOnly("api");
                assertThat(Admin.get(gw, "/admin/keys").findValuesAsText("name")).containsExactly("api-key");
                assertThat(Admin.get(gw, "/admin/teams").findValuesAsText("name")).containsExactly("api-team");
                assertThat(Admin.get(gw, "/admin/fallbacks").findValuesAsText("source")).containsExactly("api");
                assertThat(Admin.get(gw, "/admin/router-settings").get("source").asText()).as("an empty file, no stored settings").isEqualTo("default");
                assertThat(apiViews(gw)).isEqualTo(apiEntries);
                for (String gone : List.of(KEY_A, ROTATED_2, generated)) {
                    Admin.assertError(gw.chat(gone, "alpha"), 401, "authentication_error", "invalid_api_key");
                }

                assertThat(publicModels(gw)).as("the API's model keeps the catalog non-empty: no demo").containsExactly("api-model");
                Admin.assertError(gw.chat(gw.adminKey(), "demo"), 404, "invalid_request_error", "model_not_found");

                Admin.data(gw.delete("/admin/deployments/" + apiEntries.get("deployment").get("id").asText()), 200);
                assertThat(publicModels(gw)).as("an empty catalog gets the zero-config demo").containsExactly("demo");
                Admin.assertChatOk(gw.chat(gw.adminKey(), "demo"));
                assertThat(Admin.get(gw, "/admin/deployments")).as("demo is not stored").isEmpty();
                JsonNode catalog = Admin.json(gw.get("/admin/models"));
                assertThat(catalog.path("data").findValuesAsText("name")).as("but the catalog shows it").containsExactly("demo");
                assertThat(catalog.at("/data/0/deployments/0/provider").asText()).isEqualTo("simulator");
                assertThat(catalog.at("/data/0/deployments/0/source").asText()).isEqualTo("builtin");
                assertThat(catalog.at("/pagination/total").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void aFileFallbackChainTheApiAlreadyMade_stopsTheStart_andTheApisChainStays() {
        String models = """
                models:
                  alpha: [ { provider: simulator, upstreamModel: sim-alpha } ]
                  beta: [ { provider: simulator, upstreamModel: sim-beta } ]
                  gamma: [ { provider: simulator, upstreamModel: sim-gamma } ]
                """;
        try (TestStore store = TestStore.sqlite()) {
            try (GatewayFixture gw = store.gateway().config(models).start()) {
                Admin.data(gw.put("/admin/fallbacks", "{\"primaryModel\":\"alpha\",\"reason\":\"general\",\"targets\":[\"beta\"]}"), 200);
            }
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> store.gateway()
                    .config(models + "fallbacks:\n  - { primaryModel: alpha, reason: general, targets: [gamma] }\n").start().close());
            assertThat(refused).hasMessageContaining("fallback chain of 'alpha' (general) was made through the API");
            try (GatewayFixture gw = store.gateway().config(models).start()) {
                JsonNode chain = Admin.get(gw, "/admin/fallbacks").get(0);
                assertThat(chain.get("source").asText()).isEqualTo("api");
                assertThat(chain.get("targets").get(0).asText()).isEqualTo("beta");
            }
        }
    }

    /** A deployment, a team, a key in it and a fallback chain, all through the API; returns the key. */
    private static String createApiEntries(GatewayFixture gw) {
        Admin.create(gw, "/admin/deployments", "{\"publicModel\":\"api-model\",\"provider\":\"simulator\",\"upstreamModel\":\"api-upstream\"}");
        String team = Admin.create(gw, "/admin/teams", "{\"name\":\"api-team\"}").get("id").asText();
        String key = Admin.create(gw, "/admin/keys", "{\"name\":\"api-key\",\"teamId\":\"" + team + "\",\"allowedModels\":[\"api-model\"]}")
                .get("key").asText();
        Admin.data(gw.put("/admin/fallbacks", "{\"primaryModel\":\"api-model\",\"reason\":\"rate_limit\",\"targets\":[\"alpha\"]}"), 200);
        return key;
    }

    /** The API-created entries as the admin API shows them, by kind. */
    private static Map<String, JsonNode> apiViews(GatewayFixture gw) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        out.put("deployment", byName(Admin.get(gw, "/admin/deployments"), "upstreamModel").get("api-upstream"));
        out.put("team", byName(Admin.get(gw, "/admin/teams"), "name").get("api-team"));
        out.put("key", byName(Admin.get(gw, "/admin/keys"), "name").get("api-key"));
        out.put("fallback", byName(Admin.get(gw, "/admin/fallbacks"), "primaryModel").get("api-model"));
        out.values().forEach(v -> assertThat(v).isNotNull());
        return out;
    }

    private static Map<String, JsonNode> byName(JsonNode list, String field) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        list.forEach(n -> out.put(n.get(field).asText(), n));
        return out;
    }

    /** The public models the master key sees on {@code /v1/models}. */
    private static List<String> publicModels(GatewayFixture gw) {
        List<String> out = new ArrayList<>();
        Admin.json(gw.get("/v1/models")).get("data").forEach(m -> out.add(m.get("id").asText()));
        return out;
    }

    private static void assertServedBy(GatewayFixture gw, String model, String upstream) {
        HttpResponse<String> r = gw.chat(gw.adminKey(), model);
        Admin.assertChatOk(r);
        assertThat(r.headers().firstValue("x-switchboard-upstream-model")).hasValue(upstream);
    }
}
