package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin API over real HTTP, run once per store ({@link AdminApiSqliteTest},
 * {@link AdminApiPostgresTest}). Every test uses its own names, so they share one gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = """
            models:
              from-file:
                - { provider: simulator, upstreamModel: sim-file }
            teams:
              - { name: file-team }
            keys:
              - { name: file-key, key: "sk-sb-file-key-0123456789abcdefghijklmnopqrstu" }
            fallbacks:
              - { primaryModel: from-file, reason: general, targets: [other] }
            """;

    GatewayFixture gw;

    abstract GatewayFixture.Builder store(GatewayFixture.Builder b);

    @BeforeAll
    void start() {
        gw = store(GatewayFixture.builder().config(CONFIG)).start();
    }

    @AfterAll
    void stop() {
        if (gw != null) gw.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** Asserts the contract's error shape and returns the error object. */
    static JsonNode error(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).path("error");
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(e.has("message") && e.has("type") && e.has("param")).as(r.body()).isTrue();
        return e;
    }

    JsonNode created(String path, String body) {
        HttpResponse<String> r = gw.request("POST", path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).path("data");
    }

    // ------------------------------------------------------------------ deployments

    @Test
    void deployment_create_get_list_patch_delete() {
        String model = unique("m");
        JsonNode d = created("/admin/deployments", """
                {"publicModel":"%s","provider":"openai-compatible","upstreamModel":"up-1","baseUrl":"http://127.0.0.1:9/v1",
                 "credentials":{"apiKey":"sk-secret-value-1"},"weight":3,
                 "pricing":{"inputPerMTokens":0.15,"outputPerMTokens":0.6,"cachedInputPerMTokens":0.075}}
                """.formatted(model));
        String id = d.path("id").asText();
        assertThat(id).startsWith("dep_");
        assertThat(d.path("source").asText()).isEqualTo("api");
        assertThat(d.path("weight").asInt()).isEqualTo(3);
        assertThat(d.toString()).doesNotContain("sk-secret-value-1");
        assertThat(d.path("credentialFields").toString()).isEqualTo("[\"apiKey\"]");

        JsonNode got = json(gw.get("/admin/deployments/" + id)).path("data");
        assertThat(got).isEqualTo(d);

        JsonNode patched = json(gw.request("PATCH", "/admin/deployments/" + id, "{\"weight\":5,\"pricing\":{\"cachedInputPerMTokens\":null}}")).path("data");
        assertThat(patched.path("weight").asInt()).isEqualTo(5);
        assertThat(patched.path("pricing").path("inputPerMTokens").asDouble()).isEqualTo(0.15);
        assertThat(patched.path("pricing").has("cachedInputPerMTokens") && !patched.path("pricing").path("cachedInputPerMTokens").isNull()).isFalse();
        // a model the price catalog does not know keeps both its input and output prices: without one it would be priced by nothing
        var unpriced = gw.request("PATCH", "/admin/deployments/" + id, "{\"pricing\":{\"outputPerMTokens\":null}}");
        assertThat(unpriced.statusCode()).isEqualTo(400);
        assertThat(json(unpriced).at("/error/param").asText()).endsWith("pricing");
        assertThat(patched.path("credentialFields").toString()).isEqualTo("[\"apiKey\"]"); // untouched credentials stay

        JsonNode catalog = json(gw.get("/admin/models"));
        assertThat(catalog.path("data").findValuesAsText("name")).contains(model, "from-file");
        assertThat(catalog.at("/pagination/limit").asInt()).isEqualTo(50);
        assertThat(catalog.at("/pagination/total").asInt()).isEqualTo(catalog.path("data").size());
        JsonNode first = json(gw.get("/admin/models?limit=1&offset=1"));
        assertThat(first.path("data")).hasSize(1);
        assertThat(first.at("/data/0/name")).isEqualTo(catalog.at("/data/1/name"));

        assertThat(gw.request("DELETE", "/admin/deployments/" + id, null).statusCode()).isEqualTo(200);
        error(gw.get("/admin/deployments/" + id), 404, "not_found");
        error(gw.request("DELETE", "/admin/deployments/" + id, null), 404, "not_found");
    }

    @Test
    void deployment_newModel_isServedAtOnce() {
        String model = unique("served");
        created("/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"sim\"}".formatted(model));
        HttpResponse<String> r = gw.post("/v1/chat/completions", "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}".formatted(model));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("model").asText()).isEqualTo(model);
    }

    @Test
    void deployment_badInput_is400NamingTheField_andNothingIsWritten() {
        long before = json(gw.get("/admin/deployments")).path("pagination").path("total").asLong();
        String m = unique("bad");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"nope\",\"upstreamModel\":\"x\"}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("provider");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"openai\",\"upstreamModel\":\"gpt-4o\"}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("credentials.apiKey");
        assertThat(error(gw.request("POST", "/admin/deployments",
                        "{\"publicModel\":\"%s\",\"provider\":\"openai\",\"upstreamModel\":\"gpt-4o\",\"credentials\":{\"apiKey\":\"sk-1\",\"apikey\":\"sk-2\"}}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("credentials.apikey");
        JsonNode negative = error(gw.request("POST", "/admin/deployments",
                "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"weight\":-1}".formatted(m)), 400, "invalid_request");
        assertThat(negative.path("param").asText()).isEqualTo("weight");
        assertThat(negative.path("message").asText()).as("the message names the field too").isEqualTo("'weight' must not be negative");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"weight\":\"2\"}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("weight");
        // a number beyond a double (1e400) reads as Infinity: priced at it, every answer failed to settle
        assertThat(error(gw.request("POST", "/admin/deployments",
                        "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"pricing\":{\"inputPerMTokens\":1e400,\"outputPerMTokens\":1}}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("pricing.inputPerMTokens");
        assertThat(error(gw.request("POST", "/admin/deployments",
                        "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"pricing\":{\"inputPerMTokens\":1,\"outputPerMTokens\":-1}}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("pricing.outputPerMTokens");
        assertThat(error(gw.request("POST", "/admin/deployments",
                        "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"pricing\":{\"inputPerMTokens\":\"Infinity\",\"outputPerMTokens\":1}}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("pricing.inputPerMTokens");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"colour\":1}".formatted(m)),
                400, "invalid_request").path("param").asText()).isEqualTo("colour");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\"}".formatted("n".repeat(10_000))),
                400, "invalid_request").path("param").asText()).isEqualTo("publicModel");
        assertThat(error(gw.request("POST", "/admin/deployments", "{\"provider\":\"simulator\",\"upstreamModel\":\"x\"}"),
                400, "invalid_request").path("param").asText()).isEqualTo("publicModel");
        error(gw.request("POST", "/admin/deployments", "this is not json"), 400, "invalid_request");
        error(gw.request("POST", "/admin/deployments", "[1,2]"), 400, "invalid_request");
        assertThat(json(gw.get("/admin/deployments")).path("pagination").path("total").asLong()).isEqualTo(before);
    }

    @Test
    void deployment_patchThatBreaksValidation_isRefused_andTheEntryIsUnchanged() {
        JsonNode d = created("/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\"}".formatted(unique("p")));
        String id = d.path("id").asText();
        assertThat(error(gw.request("PATCH", "/admin/deployments/" + id, "{\"weight\":-4}"), 400, "invalid_request").path("param").asText())
                .isEqualTo("weight");
        assertThat(json(gw.get("/admin/deployments/" + id)).path("data")).isEqualTo(d);
    }

    @Test
    void resolve_isADryRun_thatSavesNothing() {
        long before = json(gw.get("/admin/deployments")).path("pagination").path("total").asLong();
        HttpResponse<String> r = gw.request("POST", "/admin/deployments/resolve",
                "{\"publicModel\":\"%s\",\"provider\":\"groq\",\"upstreamModel\":\"llama\",\"credentials\":{\"apiKey\":\"k\"}}".formatted(unique("r")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode resolved = json(r).path("data").path("resolved");
        assertThat(resolved.path("baseUrl").asText()).isEqualTo("https://api.groq.com/openai/v1");
        assertThat(resolved.path("credentials").asText()).isEqualTo("deployment");
        assertThat(resolved.path("capabilities").path("chat").asBoolean()).isTrue();
        assertThat(json(gw.get("/admin/deployments")).path("pagination").path("total").asLong()).isEqualTo(before);
    }

    @Test
    void test_makesOneLiveCall_andReportsLatency() {
        JsonNode d = created("/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"x\"}".formatted(unique("t")));
        HttpResponse<String> r = gw.request("POST", "/admin/deployments/" + d.path("id").asText() + "/test", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("data").path("ok").asBoolean()).isTrue();
        assertThat(json(r).path("data").path("latencyMs").isNumber()).isTrue();

        // nothing listens on port 9: the gateway's words, and the socket's beside them
        JsonNode dead = created("/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"openai-compatible\",\"upstreamModel\":\"x\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}"
                .formatted(unique("t")));
        JsonNode failed = json(gw.request("POST", "/admin/deployments/" + dead.path("id").asText() + "/test", null)).path("data");
        assertThat(failed.path("ok").asBoolean()).isFalse();
        assertThat(failed.at("/error/class").asText()).isEqualTo("transient");
        assertThat(failed.at("/error/message").asText()).isEqualTo("The connection to the provider failed.");
        assertThat(failed.at("/error/detail").asText()).isNotBlank();
    }

    @Test
    void fileEntries_areReadOnly() {
        JsonNode fileDeployment = null;
        for (JsonNode d : json(gw.get("/admin/deployments?limit=500")).path("data")) {
            if (d.path("publicModel").asText().equals("from-file")) fileDeployment = d;
        }
        assertThat(fileDeployment).isNotNull();
        assertThat(fileDeployment.path("source").asText()).isEqualTo("file");
        String id = fileDeployment.path("id").asText();
        error(gw.request("PATCH", "/admin/deployments/" + id, "{\"weight\":2}"), 409, "read_only_entry");
        error(gw.request("DELETE", "/admin/deployments/" + id, null), 409, "read_only_entry");
        String keyId = null;
        for (JsonNode k : json(gw.get("/admin/keys?limit=500")).path("data")) {
            if (k.path("name").asText().equals("file-key")) keyId = k.path("id").asText();
        }
        error(gw.request("PATCH", "/admin/keys/" + keyId, "{\"enabled\":false}"), 409, "read_only_entry");
        error(gw.request("POST", "/admin/keys/" + keyId + "/rotate", null), 409, "read_only_entry");
        error(gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"from-file\",\"reason\":\"general\",\"targets\":[\"x\"]}"), 409, "read_only_entry");
        error(gw.request("DELETE", "/admin/fallbacks/from-file/general", null), 409, "read_only_entry");
    }

    // ------------------------------------------------------------------ keys

    @Test
    void key_create_showsTheKeyOnce_thenOnlyItsPrefix() {
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\",\"allowedModels\":[\"demo\"],\"metadata\":{\"owner\":\"ci\"}}".formatted(unique("k")));
        String value = k.path("key").asText();
        assertThat(value).matches("sk-sb-[0-9A-Za-z]{43}");
        assertThat(value).startsWith(k.path("keyPrefix").asText().replace("...", ""));
        JsonNode got = json(gw.get("/admin/keys/" + k.path("id").asText())).path("data");
        assertThat(got.has("key")).isFalse();
        assertThat(got.has("keyHash")).isFalse();
        assertThat(got.toString()).doesNotContain(value);
        assertThat(got.path("metadata").path("owner").asText()).isEqualTo("ci");
    }

    @Test
    void key_disable_rotate_delete_takeEffectAtOnce() {
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\"}".formatted(unique("k")));
        String id = k.path("id").asText();
        String value = k.path("key").asText();
        assertThat(gw.get("/v1/models", "authorization", "Bearer " + value).statusCode()).isEqualTo(200);

        gw.request("PATCH", "/admin/keys/" + id, "{\"enabled\":false}");
        error(gw.get("/v1/models", "authorization", "Bearer " + value), 401, "key_disabled");
        gw.request("PATCH", "/admin/keys/" + id, "{\"enabled\":true}");
        assertThat(gw.get("/v1/models", "authorization", "Bearer " + value).statusCode()).isEqualTo(200);

        HttpResponse<String> rotated = gw.request("POST", "/admin/keys/" + id + "/rotate", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String next = json(rotated).path("data").path("key").asText();
        assertThat(next).isNotEqualTo(value).matches("sk-sb-[0-9A-Za-z]{43}");
        error(gw.get("/v1/models", "authorization", "Bearer " + value), 401, "invalid_api_key");
        assertThat(gw.get("/v1/models", "authorization", "Bearer " + next).statusCode()).isEqualTo(200);

        assertThat(gw.request("DELETE", "/admin/keys/" + id, null).statusCode()).isEqualTo(200);
        error(gw.get("/v1/models", "authorization", "Bearer " + next), 401, "invalid_api_key");
    }

    @Test
    void key_expired_is401KeyExpired() {
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}".formatted(unique("k")));
        error(gw.get("/v1/models", "authorization", "Bearer " + k.path("key").asText()), 401, "key_expired");
    }

    @Test
    void key_onAdmin_is403AdminOnly() {
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\"}".formatted(unique("k")));
        error(gw.get("/admin/keys", "authorization", "Bearer " + k.path("key").asText()), 403, "admin_only");
        error(gw.get("/admin/keys", "authorization", "Bearer sk-sb-not-a-key-at-all-000000000000000000"), 401, "invalid_api_key");
    }

    @Test
    void bodies_valuesNeverChangeType_andMalformedDocumentsAre400() {
        String k = unique("typed");
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("{\"name\":5}", "name");
        wrong.put("{\"name\":\"" + k + "\",\"limits\":{\"rpm\":1.5}}", "limits.rpm");
        wrong.put("{\"name\":\"" + k + "\",\"limits\":{\"rpm\":\"5\"}}", "limits.rpm");
        wrong.put("{\"name\":\"" + k + "\",\"systemPrompt\":5}", "systemPrompt");
        wrong.put("{\"name\":\"" + k + "\",\"allowedModels\":[1]}", "allowedModels");
        wrong.put("{\"name\":\"" + k + "\",\"enabled\":\"true\"}", "enabled");
        for (var e : wrong.entrySet()) {
            assertThat(error(gw.request("POST", "/admin/keys", e.getKey()), 400, "invalid_request").path("param").asText())
                    .as(e.getKey()).startsWith(e.getValue());
        }
        error(gw.request("POST", "/admin/deployments", "{\"publicModel\":5,\"provider\":\"simulator\",\"upstreamModel\":\"x\"}"), 400, "invalid_request");
        error(gw.request("POST", "/admin/deployments", "{\"publicModel\":\"m\",\"provider\":\"simulator\",\"upstreamModel\":\"x\",\"weight\":1.5}"),
                400, "invalid_request");
        error(gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"m\",\"reason\":\"general\",\"targets\":[5]}"), 400, "invalid_request");
        // text after the document, a field given twice
        error(gw.request("POST", "/admin/keys", "{\"name\":\"" + k + "\"} xyz"), 400, "invalid_request");
        error(gw.request("POST", "/admin/keys", "{\"name\":\"" + k + "\",\"name\":\"" + k + "-2\"}"), 400, "invalid_request");
        assertThat(gw.get("/admin/keys?limit=500").body()).doesNotContain(k);
    }

    @Test
    void whatAGetAnswered_canBeSentBack_withPutOrPatch() {
        JsonNode router = json(gw.get("/admin/router-settings")).path("data");
        assertThat(router.has("source")).isTrue();
        HttpResponse<String> put = gw.request("PUT", "/admin/router-settings", router.toString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put).at("/data/source").asText()).isEqualTo("api");

        String keyId = created("/admin/keys", "{\"name\":\"%s\",\"limits\":{\"rpm\":5}}".formatted(unique("back"))).path("id").asText();
        JsonNode key = json(gw.get("/admin/keys/" + keyId)).path("data");
        HttpResponse<String> patched = gw.request("PATCH", "/admin/keys/" + key.path("id").asText(), key.toString());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).path("data").path("keyPrefix")).isEqualTo(key.path("keyPrefix"));
        assertThat(json(patched).at("/data/limits/rpm").asInt()).isEqualTo(5);

        JsonNode dep = created("/admin/deployments", "{\"publicModel\":\"%s\",\"provider\":\"simulator\",\"upstreamModel\":\"s\"}"
                .formatted(unique("back")));
        HttpResponse<String> depPatched = gw.request("PATCH", "/admin/deployments/" + dep.path("id").asText(), dep.toString());
        assertThat(depPatched.statusCode()).as(depPatched.body()).isEqualTo(200);
    }

    @Test
    void budget_withoutAPeriod_isATotalBudget_andSaysSo() {
        JsonNode key = created("/admin/keys", "{\"name\":\"%s\",\"budget\":{\"maxUsd\":5}}".formatted(unique("np")));
        assertThat(key.at("/budget/period").asText()).isEqualTo("total");
        JsonNode team = created("/admin/teams", "{\"name\":\"%s\",\"budget\":{\"maxUsd\":5}}".formatted(unique("np")));
        assertThat(team.at("/budget/period").asText()).isEqualTo("total");
    }

    @Test
    void key_nameTaken_is409_andBadInput_is400() {
        String name = unique("dup");
        created("/admin/keys", "{\"name\":\"%s\"}".formatted(name));
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\"}".formatted(name)), 409, "conflict").path("param").asText())
                .as("the field at fault").isEqualTo("name");
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"teamId\":\"team_nope\"}".formatted(unique("k"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("teamId");
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\"}".formatted("n".repeat(10_000))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("name");
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"limits\":{\"rpm\":0}}".formatted(unique("k"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("limits.rpm");
        for (String entry : new String[] {"*", "bad model", ""}) {
            assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"allowedModels\":[\"demo\",\"%s\"]}".formatted(unique("k"), entry)),
                    400, "invalid_request").path("param").asText()).as(entry).isEqualTo("allowedModels[1]");
        }
        created("/admin/keys", "{\"name\":\"%s\",\"allowedModels\":[\"demo\",\"openai/*\",\"openai/gpt-4o-mini\"]}".formatted(unique("k")));
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"budget\":{\"maxUsd\":1e400}}".formatted(unique("k"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("budget.maxUsd");
        assertThat(error(gw.request("POST", "/admin/teams", "{\"name\":\"%s\",\"budget\":{\"maxUsd\":\"Infinity\"}}".formatted(unique("t"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("budget.maxUsd");
        assertThat(created("/admin/keys", "{\"name\":\"%s\",\"expiresAt\":\"2030-01-01\"}".formatted(unique("k"))).path("expiresAt").asText())
                .as("a date alone is its start in UTC").isEqualTo("2030-01-01T00:00:00Z");
        assertThat(created("/admin/keys", "{\"name\":\"%s\",\"expiresAt\":\"2030-01-01T02:00:00+02:00\"}".formatted(unique("k"))).path("expiresAt").asText())
                .isEqualTo("2030-01-01T00:00:00Z");
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"expiresAt\":\"tomorrow\"}".formatted(unique("k"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("expiresAt");
        assertThat(error(gw.request("POST", "/admin/keys", "{\"name\":\"%s\",\"key\":\"sk-mine\"}".formatted(unique("k"))), 400, "invalid_request")
                .path("param").asText()).isEqualTo("key");
    }

    @Test
    void key_systemPrompt_isTheFirstMessage() {
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\",\"systemPrompt\":\"Answer in French.\"}".formatted(unique("k")));
        // the simulator echoes the last user message and counts every message's tokens: the prompt is sent
        HttpResponse<String> with = gw.post("/v1/chat/completions", "{\"model\":\"from-file\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                "authorization", "Bearer " + k.path("key").asText());
        HttpResponse<String> without = gw.post("/v1/chat/completions", "{\"model\":\"from-file\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
        assertThat(json(with).path("usage").path("prompt_tokens").asInt())
                .isGreaterThan(json(without).path("usage").path("prompt_tokens").asInt());
    }

    // ------------------------------------------------------------------ teams

    @Test
    void team_crud_andAKeyInIt_blocksItsDeletion() {
        JsonNode t = created("/admin/teams", "{\"name\":\"%s\",\"budget\":{\"maxUsd\":50,\"period\":\"monthly\"},\"limits\":{\"rpm\":60}}".formatted(unique("team")));
        String teamId = t.path("id").asText();
        assertThat(teamId).startsWith("team_");
        JsonNode k = created("/admin/keys", "{\"name\":\"%s\",\"teamId\":\"%s\"}".formatted(unique("k"), teamId));
        assertThat(k.path("teamId").asText()).isEqualTo(teamId);
        error(gw.request("DELETE", "/admin/teams/" + teamId, null), 409, "conflict");
        JsonNode patched = json(gw.request("PATCH", "/admin/teams/" + teamId, "{\"limits\":{\"rpm\":120}}")).path("data");
        assertThat(patched.path("limits").path("rpm").asInt()).isEqualTo(120);
        assertThat(patched.path("budget").path("maxUsd").asDouble()).isEqualTo(50);
        error(gw.request("PATCH", "/admin/teams/" + teamId, "{\"budget\":{\"period\":\"hourly\"}}"), 400, "invalid_request");
        gw.request("DELETE", "/admin/keys/" + k.path("id").asText(), null);
        assertThat(gw.request("DELETE", "/admin/teams/" + teamId, null).statusCode()).isEqualTo(200);
        error(gw.get("/admin/teams/" + teamId), 404, "not_found");
    }

    // ------------------------------------------------------------------ lists

    @Test
    void lists_arePaginated() {
        for (int i = 0; i < 3; i++) created("/admin/teams", "{\"name\":\"%s\"}".formatted(unique("page")));
        JsonNode all = json(gw.get("/admin/teams?limit=500"));
        long total = all.path("pagination").path("total").asLong();
        assertThat(total).isGreaterThanOrEqualTo(4); // three and the file's team
        JsonNode page = json(gw.get("/admin/teams?limit=2&offset=1"));
        assertThat(page.path("data").size()).isEqualTo(2);
        assertThat(page.path("pagination").path("limit").asInt()).isEqualTo(2);
        assertThat(page.path("pagination").path("offset").asInt()).isEqualTo(1);
        assertThat(page.path("pagination").path("total").asLong()).isEqualTo(total);
        assertThat(page.path("data").get(0)).isEqualTo(all.path("data").get(1));
        assertThat(json(gw.get("/admin/teams")).path("pagination").path("limit").asInt()).isEqualTo(50);
        assertThat(error(gw.get("/admin/teams?limit=501"), 400, "invalid_request").path("param").asText()).isEqualTo("limit");
        assertThat(error(gw.get("/admin/teams?offset=-1"), 400, "invalid_request").path("param").asText()).isEqualTo("offset");
    }

    // ------------------------------------------------------------------ fallbacks and router settings

    @Test
    void fallbacks_putListDelete_andValidation() {
        String primary = unique("prim");
        HttpResponse<String> put = gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"%s\",\"reason\":\"rate_limit\",\"targets\":[\"a\",\"b\"]}".formatted(primary));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode fallbacks = json(gw.get("/admin/fallbacks"));
        assertThat(fallbacks.path("data").toString()).contains(primary);
        assertThat(fallbacks.at("/pagination/total").asInt()).isEqualTo(fallbacks.path("data").size());
        assertThat(json(gw.get("/admin/fallbacks?limit=1")).path("data")).hasSize(1);
        gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"%s\",\"reason\":\"rate_limit\",\"targets\":[\"c\"]}".formatted(primary));
        JsonNode mine = null;
        for (JsonNode f : json(gw.get("/admin/fallbacks")).path("data")) if (f.path("primaryModel").asText().equals(primary)) mine = f;
        assertThat(mine.path("targets").toString()).isEqualTo("[\"c\"]");
        assertThat(error(gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"%s\",\"reason\":\"general\",\"targets\":[\"%s\"]}".formatted(primary, primary)),
                400, "invalid_request").path("param").asText()).isEqualTo("targets");
        assertThat(error(gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"%s\",\"reason\":\"whenever\",\"targets\":[\"x\"]}".formatted(primary)),
                400, "invalid_request").path("param").asText()).isEqualTo("reason");
        error(gw.request("PUT", "/admin/fallbacks", "{\"primaryModel\":\"%s\",\"reason\":\"general\",\"targets\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}".formatted(primary)),
                400, "invalid_request");
        assertThat(gw.request("DELETE", "/admin/fallbacks/" + primary + "/rate_limit", null).statusCode()).isEqualTo(200);
        error(gw.request("DELETE", "/admin/fallbacks/" + primary + "/rate_limit", null), 404, "not_found");
    }

    @Test
    void routerSettings_defaults_thenPut_validated() {
        JsonNode now = json(gw.get("/admin/router-settings")).path("data");
        assertThat(now.path("maxAttempts").asInt()).isPositive();
        HttpResponse<String> put = gw.request("PUT", "/admin/router-settings", "{\"strategy\":\"least-busy\",\"maxAttempts\":4}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode after = json(gw.get("/admin/router-settings")).path("data");
        assertThat(after.path("strategy").asText()).isEqualTo("least-busy");
        assertThat(after.path("maxAttempts").asInt()).isEqualTo(4);
        assertThat(after.path("backoff").path("baseMs").asInt()).isEqualTo(100); // defaults filled in
        assertThat(after.path("source").asText()).isEqualTo("api");
        assertThat(error(gw.request("PUT", "/admin/router-settings", "{\"strategy\":\"round-robin\"}"), 400, "invalid_request")
                .path("param").asText()).isEqualTo("strategy");
        assertThat(error(gw.request("PUT", "/admin/router-settings", "{\"maxAtempts\":4}"), 400, "invalid_request")
                .path("param").asText()).isEqualTo("maxAtempts");
        assertThat(error(gw.request("PUT", "/admin/router-settings", "{\"cooldown\":{\"initialSeconds\":100,\"maxSeconds\":10}}"), 400,
                "invalid_request").path("param").asText()).endsWith("cooldown.initialSeconds");
        assertThat(error(gw.request("PUT", "/admin/router-settings", "{\"backoff\":{\"baseMs\":5000,\"maxMs\":100}}"), 400,
                "invalid_request").path("param").asText()).endsWith("backoff.baseMs");
        assertThat(json(gw.get("/admin/router-settings")).path("data").path("strategy").asText()).isEqualTo("least-busy");
    }

    @Test
    void unknownAdminId_is404_andNoKey_is401() {
        error(gw.get("/admin/keys/key_missing"), 404, "not_found");
        error(gw.get("/admin/teams/team_missing"), 404, "not_found");
        error(gw.get("/admin/deployments", "authorization", "Bearer "), 401, "invalid_api_key");
    }
}
