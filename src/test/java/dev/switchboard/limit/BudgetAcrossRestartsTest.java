package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.GatewayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A budget spent before a restart stays spent after it: the in-process limiter starts from the stored usage. */
class BudgetAcrossRestartsTest {

    static final String KEY = "sk-budget-restart-0123456789abcdefghijklmnop";

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
