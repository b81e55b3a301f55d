package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two gateway instances sharing one Redis see one circuit: what one learns, the other obeys. */
class SharedCircuitTest {

    @Test
    void aCircuitOpenedByOneInstance_isOpenForTheOther() {
        String model = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null)) {
            String config = """
                    models:
                      %s:
                        - { provider: openai, upstreamModel: broken, baseUrl: "%s", credentials: { apiKey: sk-shared }, extraHeaders: { x-sim-status: "500" } }
                    """.formatted(model, sim.baseUrl());
            String redis = TestRedis.get().url();
            try (GatewayFixture a = GatewayFixture.builder().config(config).env("REDIS_URL", redis).start();
                 GatewayFixture b = GatewayFixture.builder().config(config).env("REDIS_URL", redis).start()) {
                Deployment onB = b.gateway().snapshots().get().models().get(model).deployments().getFirst();
                assertThat(a.gateway().snapshots().get().models().get(model).deployments().getFirst().circuitKey())
                        .as("both instances name the circuit alike").isEqualTo(onB.circuitKey());

                Admin.assertError(a.chat(GatewayFixture.MASTER_KEY, model), 502, "server_error", "upstream_error");
                assertThat(sim.received()).as("three transient failures: the circuit opens").hasSize(3);

                assertThat(Await.until(() -> b.gateway().health().circuits().state(onB.circuitKey()).cooling(System.currentTimeMillis()),
                        Duration.ofSeconds(2))).as("B learns of the open circuit").isTrue();
                var onBAnswer = b.chat(GatewayFixture.MASTER_KEY, model);
                Admin.assertError(onBAnswer, 503, "server_error", "deployments_in_cooldown");
                assertThat(onBAnswer.headers().firstValue("retry-after")).isPresent();
                assertThat(sim.received()).as("B never called the broken deployment").hasSize(3);
                b.resetRouting(); // the circuit lives in the shared Redis (with a TTL): leave nothing behind
            }
        }
    }
}
