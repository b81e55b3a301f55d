package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two gateways on one store (a PostgreSQL database with one keyring, or one SQLite data dir):
 * each sees the other's admin writes within a second (CONTRACT.md, by the config-version poll),
 * and both, loading the same config file, agree on its entries' ids and refuse writes to them.
 */
class MultiInstanceTest {

    /** The contract's bar for another instance to see a write. */
    private static final Duration PROPAGATION = Duration.ofSeconds(1);

    private static final String FILE_KEY = "sk-sb-multiInstanceFileKey0123456789abcdefghij";
    private static final String CONFIG = """
            models:
              filed:
                - { provider: simulator, upstreamModel: sim-a }
                - { provider: simulator, upstreamModel: sim-b, weight: 2 }
            teams:
              - { name: platform, budget: { maxUsd: 100, period: monthly } }
            keys:
              - { name: file-key, key: %s, team: platform }
              - { name: generated }
            fallbacks:
              - { primaryModel: filed, reason: general, targets: [filed-backup] }
            router: { strategy: least-busy }
            """.formatted(FILE_KEY);

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestStore.Kind.class)
    void twoGatewaysOnOneStore_seeEachOthersWritesWithinASecond(TestStore.Kind kind) {
        try (TestStore store = kind.open();
                GatewayFixture a = store.gateway().config(CONFIG).start();
                GatewayFixture b = store.gateway().config(CONFIG).start()) {
            String key = Admin.create(a, "/admin/keys", "{\"name\":\"shared\",\"allowedModels\":[\"filed\",\"from-b\"]}").get("key").asText();
            assertThat(Await.until(() -> b.chat(key, "filed").statusCode() == 200, PROPAGATION))
                    .as("a key created on A authenticates on B within %s", PROPAGATION).isTrue();

            Admin.data(a.patch("/admin/keys/" + keyId(a, "shared"), "{\"enabled\":false}"), 200);
            Admin.assertError(a.chat(key, "filed"), 401, "authentication_error", "key_disabled");
            assertThat(Await.until(() -> b.chat(key, "filed").statusCode() == 401, PROPAGATION))
                    .as("a key disabled on A is refused by B within %s", PROPAGATION).isTrue();
            Admin.assertError(b.chat(key, "filed"), 401, "authentication_error", "key_disabled");

            String depId = Admin.create(b, "/admin/deployments", "{\"publicModel\":\"from-b\",\"provider\":\"simulator\",\"upstreamModel\":\"sim-c\"}")
                    .get("id").asText();
            assertThat(Await.until(() -> a.chat(a.adminKey(), "from-b").statusCode() == 200, PROPAGATION))
                    .as("a deployment created on B is served by A within %s", PROPAGATION).isTrue();
            HttpResponse<String> served = a.chat(a.adminKey(), "from-b");
            Admin.assertChatOk(served);
            assertThat(served.headers().firstValue("x-switchboard-deployment")).hasValue(depId);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestStore.Kind.class)
    void aGatewayStartedWithoutTheConfigFile_leavesTheFileEntriesAlone(TestStore.Kind kind) {
        try (TestStore store = kind.open(); GatewayFixture withFile = store.gateway().config(CONFIG).start()) {
            List<String> keyIds = ids(Admin.get(withFile, "/admin/keys"));
            try (GatewayFixture without = store.gateway().start()) {
                Admin.assertChatOk(without.chat(FILE_KEY, "filed"));
                assertThat(ids(Admin.get(without, "/admin/keys"))).isEqualTo(keyIds);
                assertThat(Admin.get(without, "/admin/router-settings").get("source").asText()).isEqualTo("file");
            }
            Admin.assertChatOk(withFile.chat(FILE_KEY, "filed"));
        }
    }

    /**
     * Started at the same moment, so their reconciliations and master-key generations race
     * (no {@code MASTER_KEY}: the store's is generated). With SQLite the keyring is given
     * as {@code ENCRYPTION_KEYS}: the generated {@code encryption.key} is documented as one
     * process's on a first start.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestStore.Kind.class)
    void twoGatewaysStartingTogetherOnOneConfigFile_agreeOnItsIds_andBothRefuseWritesToIt(TestStore.Kind kind) throws Exception {
        try (TestStore store = kind.open(); Both both = startTogether(store, store.env().getOrDefault("ENCRYPTION_KEYS", TestStore.newKeyring()))) {
            GatewayFixture a = both.a();
            GatewayFixture b = both.b();
            List<String> masterKeys = (a.stdout() + b.stdout()).lines().filter(l -> l.startsWith("Master key: ")).toList();
            assertThat(masterKeys).as("one master key is generated for the store, and printed once").hasSize(1);
            String masterKey = masterKeys.get(0).substring("Master key: ".length());
            a.useAdminKey(masterKey);
            b.useAdminKey(masterKey);

            List<String> printed = (a.stdout() + b.stdout()).lines().filter(l -> l.startsWith("Key generated: ")).toList();
            assertThat(printed).as("the file key without a value is generated and printed once, by one of them").hasSize(1);
            String generated = printed.get(0).substring("Key generated: ".length());
            Admin.assertChatOk(a.chat(generated, "filed"));
            Admin.assertChatOk(b.chat(generated, "filed"));

            for (String path : List.of("/admin/deployments", "/admin/teams", "/admin/keys")) {
                JsonNode onA = Admin.get(a, path);
                JsonNode onB = Admin.get(b, path);
                assertThat(ids(onB)).as("ids of %s on B", path).isEqualTo(ids(onA)).isNotEmpty().doesNotHaveDuplicates();
                assertThat(onA.findValuesAsText("source")).as("sources of %s", path).containsOnly("file");
                assertThat(onB).as("%s on both", path).isEqualTo(onA);
            }
            assertThat(ids(Admin.get(a, "/admin/deployments"))).hasSize(2);
            assertThat(Admin.get(a, "/admin/router-settings").get("source").asText()).isEqualTo("file");
            Admin.assertChatOk(a.chat(FILE_KEY, "filed"));
            Admin.assertChatOk(b.chat(FILE_KEY, "filed"));

            String depId = ids(Admin.get(a, "/admin/deployments")).get(0);
            JsonNode depBefore = Admin.get(a, "/admin/deployments/" + depId);
            String teamId = ids(Admin.get(a, "/admin/teams")).get(0);
            for (GatewayFixture gw : List.of(a, b)) {
                Admin.assertError(gw.patch("/admin/deployments/" + depId, "{\"weight\":5}"), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.delete("/admin/deployments/" + depId), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.patch("/admin/keys/" + keyId(gw, "file-key"), "{\"enabled\":false}"), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.post("/admin/keys/" + keyId(gw, "file-key") + "/rotate", ""), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.patch("/admin/teams/" + teamId, "{\"metadata\":{\"x\":1}}"), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.put("/admin/fallbacks", "{\"primaryModel\":\"filed\",\"reason\":\"general\",\"targets\":[\"other\"]}"),
                        409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.delete("/admin/fallbacks/filed/general"), 409, "invalid_request_error", "read_only_entry");
                Admin.assertError(gw.put("/admin/router-settings", "{\"strategy\":\"cost-based\"}"), 409, "invalid_request_error", "read_only_entry");
            }
            Admin.assertChatOk(b.chat(FILE_KEY, "filed"));
            assertThat(Admin.get(b, "/admin/deployments/" + depId)).as("the refused writes changed nothing").isEqualTo(depBefore);
        }
    }

    record Both(GatewayFixture a, GatewayFixture b) implements AutoCloseable {
        @Override
        public void close() {
            try (GatewayFixture first = a; GatewayFixture second = b) {
                // both closed, whichever fails
            }
        }
    }

    private static Both startTogether(TestStore store, String keyring) throws Exception {
        CyclicBarrier go = new CyclicBarrier(2);
        Callable<GatewayFixture> start = () -> {
            go.await(10, TimeUnit.SECONDS);
            return store.gateway().config(CONFIG).env("ENCRYPTION_KEYS", keyring).masterKey(null).start();
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<GatewayFixture> a = pool.submit(start);
            Future<GatewayFixture> b = pool.submit(start);
            GatewayFixture first = null;
            try {
                first = a.get(60, TimeUnit.SECONDS);
                return new Both(first, b.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (first != null) first.close();
                try {
                    b.get(60, TimeUnit.SECONDS).close();
                } catch (Exception alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
        }
    }

    private static String keyId(GatewayFixture gw, String name) {
        for (JsonNode k : Admin.get(gw, "/admin/keys")) {
            if (k.get("name").asText().equals(name)) return k.get("id").asText();
        }
        throw new AssertionError("no key named " + name + " listed");
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }
}
