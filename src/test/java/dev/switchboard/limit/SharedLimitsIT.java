package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Burst;
import dev.switchboard.testing.GatewayProcess;
import dev.switchboard.testing.TestRedis;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two gateway processes sharing one Redis count one key's requests together: rpm 50 admits 50 in all. */
class SharedLimitsIT {

    @Test
    void twoProcesses_rpm50_of200ParallelRequestsSplitBetweenThem_exactly50Succeed() throws Exception {
        // a fresh key (value and name, which its id derives from) each run: its window in the shared
        // Redis outlives the test by a minute
        String run = UUID.randomUUID().toString().replace("-", "");
        String key = "sk-it-limits-" + run;
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null)) {
            Path config = Files.createTempFile("switchboard-it", ".yaml");
            Files.writeString(config, """
                    models:
                      plain:
                        - { provider: openai, upstreamModel: sim-plain, baseUrl: "%s", credentials: { apiKey: sk-up } }
                    keys:
                      - { name: limited-%s, key: %s, limits: { rpm: 50 } }
                    """.formatted(sim.baseUrl(), run, key));
            Map<String, String> env = Map.of("MASTER_KEY", "sk-sb-it-limits-master-0123456789abcdefghij",
                    "SWITCHBOARD_CONFIG", config.toString(), "REDIS_URL", TestRedis.get().url());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            try (GatewayProcess a = GatewayProcess.start(env); GatewayProcess b = GatewayProcess.start(env)) {
                a.awaitReady(http);
                b.awaitReady(http);
                HttpRequest toA = Burst.chat(a.url("/v1/chat/completions"), key, "plain");
                HttpRequest toB = Burst.chat(b.url("/v1/chat/completions"), key, "plain");
                Burst.assertAdmittedExactly(Burst.send(200, i -> i % 2 == 0 ? toA : toB), 50, 50);
                assertThat(sim.received()).hasSize(50);
            }
        }
    }
}
