package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A budget's spend is not handed out again when its counting starts over: after a restart (the
 * in-process limiter starts from the stored usage), when its period changes or a budget is added
 * to a key that has spent already, when Redis loses its ledger, and while Redis is away.
 */
class BudgetAcrossRestartsTest {

    static final String KEY = "sk-budget-restart-0123456789abcdefghijklmnop";

    static String config(SimulatorServer sim) {
        return """
                models:
                  priced:
                    - { provider: openai, upstreamModel: sim-priced, baseUrl: "%s", credentials: { apiKey: sk-up },
                        pricing: { inputPerMTokens: 1000, outputPerMTokens: 1000 } }
                """.formatted(sim.baseUrl()); // "hi" costs about a cent
    }

    @ParameterizedTest(name = "redis: {0}")
    @ValueSource(booleans = {false, true})
    void aBudgetAddedAfterSpending_orWhosePeriodChanges_countsWhatWasSpent(boolean redis) throws Exception {
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null);
             GatewayFixture gw = withRedis(GatewayFixture.builder().config(config(sim)), redis).start()) {
            JsonNode created = Admin.create(gw, "/admin/keys", "{\"name\":\"spender\"}");
            String key = created.get("key").asText();
            String id = created.get("id").asText();
            Admin.assertChatOk(gw.chat(key, "priced"));
            Admin.assertChatOk(gw.chat(key, "priced")); // no budget yet
            assertThat(Await.until(() -> gw.gateway().store().usage().count() == 2, Duration.ofSeconds(5))).isTrue();

            // a budget below what the key has spent today: refused from the first request on
            Admin.data(gw.patch("/admin/keys/" + id, "{\"budget\":{\"maxUsd\":0.001,\"period\":\"daily\"}}"), 200);
            Admin.assertError(gw.chat(key, "priced"), 429, "rate_limit_error", "budget_exceeded");
            for (String period : new String[] {"weekly", "monthly", "total"}) {
                Admin.data(gw.patch("/admin/keys/" + id, "{\"budget\":{\"period\":\"" + period + "\"}}"), 200);
                Admin.assertError(gw.chat(key, "priced"), 429, "rate_limit_error", "budget_exceeded");
            }
            assertThat(sim.received()).as("not one request after the budget").hasSize(2);
        }
    }

    @Test
    void aRedisThatRestartsEmpty_doesNotHandTheBudgetOutAgain() throws Exception {
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null); PrivateRedis redis = PrivateRedis.start();
             GatewayFixture gw = GatewayFixture.builder().config(config(sim)).env("REDIS_URL", redis.url()).start()) {
            String key = Admin.create(gw, "/admin/keys", "{\"name\":\"ledger\",\"budget\":{\"maxUsd\":0.02,\"period\":\"total\"}}")
                    .get("key").asText();
            int spent = 0;
            while (spent < 20 && gw.chat(key, "priced").statusCode() == 200) spent++;
            assertThat(spent).as("a few cent-requests fit a $0.02 budget").isBetween(2, 10);
            int records = spent;
            assertThat(Await.until(() -> gw.gateway().store().usage().count() == records, Duration.ofSeconds(5))).isTrue();

            redis.stop();
            redis.restart(); // no persistence: every ledger is gone
            assertThat(Await.until(() -> "redis".equals(Admin.json(gw.get("/health/ready")).path("limiter").asText()), Duration.ofSeconds(10)))
                    .isTrue();
            int admitted = 0;
            for (int i = 0; i < 3; i++) if (gw.chat(key, "priced").statusCode() == 200) admitted++;
            assertThat(admitted).as("at most one may pass before the spend is read again; a fresh ledger would admit %d", spent)
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void whileRedisIsAway_theInstancesOwnCountingStartsFromTheStoredSpend() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-budget");
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null); PrivateRedis redis = PrivateRedis.start()) {
            String config = config(sim) + "keys:\n  - { name: budgeted, key: %s, budget: { maxUsd: 0.001, period: monthly } }\n".formatted(KEY);
            try (GatewayFixture first = GatewayFixture.builder().dataDir(dir).config(config).start()) {
                Admin.assertChatOk(first.chat(KEY, "priced"));
            }
            redis.stop();
            try (GatewayFixture second = GatewayFixture.builder().dataDir(dir).config(config).env("REDIS_URL", redis.url()).start()) {
                Admin.assertError(second.chat(KEY, "priced"), 429, "rate_limit_error", "budget_exceeded");
                assertThat(Admin.json(second.get("/health/ready")).path("limiter").asText()).isEqualTo("local-fallback");
                assertThat(sim.received()).hasSize(1);
            }
        }
    }

    private static GatewayFixture.Builder withRedis(GatewayFixture.Builder b, boolean redis) {
        return redis ? b.env("REDIS_URL", TestRedis.get().url()) : b;
    }

    @Test
    void aSpentBudget_isStillSpentAfterARestart() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-budget");
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null)) {
            String config = """
                    models:
                      priced:
                        - { provider: openai, upstreamModel: sim-priced, baseUrl: "%s", credentials: { apiKey: sk-up },
                            pricing: { inputPerMTokens: 1000, outputPerMTokens: 1000 } }
                    keys:
                      - { name: budgeted, key: %s, budget: { maxUsd: 0.001, period: monthly } }
                    """.formatted(sim.baseUrl(), KEY);
            try (GatewayFixture first = GatewayFixture.builder().dataDir(dir).config(config).start()) {
                Admin.assertChatOk(first.chat(KEY, "priced"));
                Admin.assertError(first.chat(KEY, "priced"), 429, "rate_limit_error", "budget_exceeded");
            }
            try (GatewayFixture second = GatewayFixture.builder().dataDir(dir).config(config).start()) {
                Admin.assertError(second.chat(KEY, "priced"), 429, "rate_limit_error", "budget_exceeded");
                assertThat(sim.received()).as("only the first instance's one request reached the provider").hasSize(1);
            }
        }
    }
}
