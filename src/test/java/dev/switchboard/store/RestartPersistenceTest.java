package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the admin API writes outlives the gateway: a new gateway on the same store (SQLite data
 * dir, or PostgreSQL database with the same keyring) shows exactly what the first one answered,
 * its keys authenticate as before, its models serve, and the generated master key is neither
 * printed again nor replaced.
 */
class RestartPersistenceTest {

    /** Every admin read that shows stored state. */
    static final List<String> VIEWS = List.of("/admin/deployments", "/admin/teams", "/admin/keys", "/admin/fallbacks",
            "/admin/router-settings", "/admin/models");

    record Created(Map<String, JsonNode> entities, Map<String, String> keys) {}

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestStore.Kind.class)
    void everythingWrittenThroughTheApi_isThereAfterARestart_andStillWorks(TestStore.Kind kind) {
        try (TestStore store = kind.open()) {
            String masterKey;
            Created created;
            Map<String, JsonNode> before = new LinkedHashMap<>();
            try (GatewayFixture first = store.gateway().masterKey(null).start()) {
                masterKey = first.adminKey();
                assertThat(masterKey).as("the generated master key, printed once: %s", first.stdout()).startsWith("sk-sb-master-");
                created = populate(first);
                for (String path : VIEWS) before.put(path, Admin.json(first.get(path)));
            }

            GatewayFixture.Builder again = store.gateway().masterKey(null).adminKey(masterKey);
            // PostgreSQL: the same database named in the other accepted form
            if (kind == TestStore.Kind.POSTGRES) again.env("DATABASE_URL", store.jdbcUrl());
            try (GatewayFixture second = again.start()) {
                assertThat(second.stdout()).as("a second start on the same store prints no master key").doesNotContain("Master key:");
                for (String path : VIEWS) {
                    assertThat(Admin.json(second.get(path))).as("GET %s after the restart", path).isEqualTo(before.get(path));
                }
                created.entities().forEach((path, answered) ->
                        assertThat(Admin.get(second, path)).as("GET %s after the restart, against the create answer", path).isEqualTo(answered));

                Admin.assertChatOk(second.chat(created.keys().get("plain"), "persisted"));
                Admin.assertChatOk(second.chat(created.keys().get("teamed"), "second"));
                Admin.assertError(second.chat(created.keys().get("plain"), "second"), 403, "permission_error", "model_not_allowed");
                Admin.assertError(second.chat(created.keys().get("off"), "persisted"), 401, "authentication_error", "key_disabled");
                Admin.assertError(second.get("/admin/keys", "authorization", "Bearer sk-sb-master-not-the-one-0123456789abcdefghijk"),
                        401, "authentication_error", "invalid_api_key");
            }
        }
    }

    /**
     * Two deployments, a team, three keys (one disabled, one in the team and then patched), a
     * fallback chain and router settings; each entity as the write answered it, by its GET path.
     */
    private static Created populate(GatewayFixture gw) {
        Map<String, JsonNode> entities = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        JsonNode persisted = Admin.create(gw, "/admin/deployments", """
                {"publicModel":"persisted","provider":"simulator","upstreamModel":"sim-a","weight":3,
                 "pricing":{"inputPerMTokens":0.5,"outputPerMTokens":1.5},"timeouts":{"totalMs":30000},
                 "extraHeaders":{"x-team":"blue"},"rpmLimit":600}""");
        entities.put("/admin/deployments/" + persisted.get("id").asText(), persisted);
        JsonNode second = Admin.create(gw, "/admin/deployments",
                "{\"publicModel\":\"second\",\"provider\":\"simulator\",\"upstreamModel\":\"sim-b\",\"maxConcurrency\":8}");
        entities.put("/admin/deployments/" + second.get("id").asText(), second);

        JsonNode team = Admin.create(gw, "/admin/teams", """
                {"name":"research","budget":{"maxUsd":500,"period":"monthly"},"limits":{"rpm":100},"metadata":{"owner":"ana"}}""");
        entities.put("/admin/teams/" + team.get("id").asText(), team);

        for (String body : List.of(
                "{\"name\":\"plain\",\"allowedModels\":[\"persisted\"],\"limits\":{\"rpm\":60},\"metadata\":{\"env\":\"ci\"}}",
                "{\"name\":\"off\",\"enabled\":false}",
                "{\"name\":\"teamed\",\"teamId\":\"" + team.get("id").asText() + "\",\"systemPrompt\":\"Be brief.\","
                        + "\"expiresAt\":\"2999-01-01T00:00:00Z\",\"budget\":{\"maxUsd\":5,\"period\":\"daily\"}}")) {
            ObjectNode key = (ObjectNode) Admin.create(gw, "/admin/keys", body);
            keys.put(key.get("name").asText(), key.remove("key").asText());
            entities.put("/admin/keys/" + key.get("id").asText(), key);
        }
        String teamedId = entities.keySet().stream().filter(p -> entities.get(p).path("name").asText().equals("teamed")).findFirst().orElseThrow();
        entities.put(teamedId, Admin.data(gw.patch(teamedId, "{\"metadata\":{\"tier\":\"gold\"},\"systemPrompt\":null}"), 200));
        Admin.assertChatOk(gw.chat(keys.get("plain"), "persisted"));
        Admin.assertError(gw.chat(keys.get("off"), "persisted"), 401, "authentication_error", "key_disabled");

        Admin.data(gw.put("/admin/fallbacks", "{\"primaryModel\":\"persisted\",\"reason\":\"general\",\"targets\":[\"second\"]}"), 200);
        JsonNode router = Admin.data(gw.put("/admin/router-settings",
                "{\"strategy\":\"least-busy\",\"maxAttempts\":2,\"modelOverrides\":{\"second\":{\"strategy\":\"cost-based\"}}}"), 200);
        assertThat(router.get("source").asText()).isEqualTo("api");
        entities.put("/admin/router-settings", router);
        return new Created(entities, keys);
    }
}
