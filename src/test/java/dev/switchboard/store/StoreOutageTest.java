package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.ChatLoad;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PrivatePostgres;
import dev.switchboard.testing.TestStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store goes away under load and comes back (DESIGN.md, "The config snapshot"): the data
 * plane serves from its snapshot throughout, readiness and the admin API say 503 while the store
 * is gone, liveness does not care, and everything recovers without a gateway restart. PostgreSQL
 * only: an SQLite file cannot be taken away from a running process the same way.
 */
class StoreOutageTest {

    /** Hikari's connection timeout is 3 s and the poll runs every 100 ms: 10 s is generous. */
    private static final Duration NOTICE = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(15);
    private static final Duration OUTAGE_WRITES = Duration.ofSeconds(15);
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(30);

    @Test
    void storeDown_chatKeepsServing_readyAndAdminAnswer503_liveStays200_thenAllRecoverWithoutRestart() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start();
                GatewayFixture gw = GatewayFixture.builder()
                        .env("DATABASE_URL", pg.databaseUrl())
                        .env("ENCRYPTION_KEYS", TestStore.newKeyring())
                        .start()) {
            Admin.create(gw, "/admin/deployments", "{\"publicModel\":\"steady\",\"provider\":\"simulator\",\"upstreamModel\":\"sim\"}");
            String key = Admin.create(gw, "/admin/keys", "{\"name\":\"load\",\"allowedModels\":[\"steady\"]}").get("key").asText();
            Admin.assertChatOk(gw.chat(key, "steady"));
            assertThat(ready(gw).statusCode()).isEqualTo(200);

            ChatLoad load = ChatLoad.start(gw, key, "steady", 4, LOAD_LIMIT);
            long servedWhenNoticed;
            try {
                assertThat(Await.until(() -> load.successes() >= 20, Duration.ofSeconds(10)))
                        .as("the load is flowing before the outage (failures: %s)", load.failureDetails()).isTrue();

                pg.stop();

                assertThat(Await.until(() -> ready(gw).statusCode() == 503, NOTICE))
                        .as("/health/ready turns 503 within %s of the store going away", NOTICE).isTrue();
                HttpResponse<String> notReady = ready(gw);
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(Admin.json(notReady).path("status").asText()).isEqualTo("store_unavailable");
                assertThat(notReady.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
                assertThat(gw.get("/health/live").statusCode()).as("liveness never touches the store").isEqualTo(200);

                servedWhenNoticed = load.successes();
                CompletableFuture<HttpResponse<String>> read = CompletableFuture.supplyAsync(() -> gw.get("/admin/keys"));
                // A call may fail fast, on a pooled connection the database cut; once none is left,
                // one waits for a new connection up to Hikari's 3 s timeout. Both must answer 503:
                // keep writing until a write has taken the waiting path.
                assertThat(Await.until(() -> adminWriteWaitedForAConnection(gw), OUTAGE_WRITES))
                        .as("an admin write waited for a new connection within %s", OUTAGE_WRITES).isTrue();
                Admin.assertError(read.get(10, TimeUnit.SECONDS), 503, "server_error", "service_unavailable");
                assertThat(Await.until(() -> load.successes() >= servedWhenNoticed + 50, Duration.ofSeconds(10)))
                        .as("chat keeps being served while the store is down").isTrue();
                assertThat(ready(gw).statusCode()).as("the store is still down").isEqualTo(503);

                pg.restart();

                assertThat(Await.until(() -> ready(gw).statusCode() == 200, RECOVERY))
                        .as("/health/ready returns to 200 within %s of the store coming back, without a restart", RECOVERY).isTrue();
                String after = Admin.create(gw, "/admin/keys", "{\"name\":\"after-outage\",\"allowedModels\":[\"steady\"]}").get("key").asText();
                Admin.assertChatOk(gw.chat(after, "steady"));
                assertThat(Admin.get(gw, "/admin/keys").findValuesAsText("name")).containsExactly("load", "after-outage");

                assertThat(load.running()).as("the load ran across the whole outage, within its %s limit", LOAD_LIMIT).isTrue();
            } finally {
                load.close();
            }
            assertThat(load.failures()).as("chat failures across the outage: %s", load.failureDetails()).isZero();
            assertThat(load.successes()).isGreaterThan(servedWhenNoticed + 50);
        }
    }

    /** One admin write while the store is down: 503 with Retry-After within 6 s; true when it waited at least 2 s. */
    private static boolean adminWriteWaitedForAConnection(GatewayFixture gw) {
        long started = System.nanoTime();
        HttpResponse<String> write = gw.post("/admin/keys", "{\"name\":\"during-outage\"}");
        long ms = (System.nanoTime() - started) / 1_000_000;
        Admin.assertError(write, 503, "server_error", "service_unavailable");
        assertThat(write.headers().firstValue("retry-after")).isPresent();
        assertThat(write.headers().firstValue("retry-after-ms")).isPresent();
        assertThat(ms).as("an admin write during the outage answers within Hikari's connection timeout and slack").isLessThan(6_000);
        return ms >= 2_000;
    }

    private static HttpResponse<String> ready(GatewayFixture gw) {
        return gw.get("/health/ready");
    }
}
