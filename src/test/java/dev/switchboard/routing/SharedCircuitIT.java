package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayProcess;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.transport.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two gateway processes sharing one Redis: a circuit one of them opens, the other obeys. */
class SharedCircuitIT {

    static final String KEY = "sk-sb-it-shared-circuit-0123456789abcdefghij";

    @Test
    void aCircuitOpenedByOneProcess_isOpenForTheOther() throws Exception {
        String model = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null)) {
            Path config = Files.createTempFile("switchboard-it", ".yaml");
            Files.writeString(config, """
                    models:
                      %s:
                        - { provider: openai, upstreamModel: broken, baseUrl: "%s", credentials: { apiKey: sk-up }, extraHeaders: { x-sim-status: "500" } }
                    """.formatted(model, sim.baseUrl()));
            Map<String, String> env = Map.of("MASTER_KEY", KEY, "SWITCHBOARD_CONFIG", config.toString(), "REDIS_URL", TestRedis.get().url());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
            try (GatewayProcess a = GatewayProcess.start(env); GatewayProcess b = GatewayProcess.start(env)) {
                a.awaitReady(http);
                b.awaitReady(http);
                HttpResponse<String> onA = http.send(chat(a, model), HttpResponse.BodyHandlers.ofString());
                assertThat(onA.statusCode()).as(onA.body()).isEqualTo(502);
                assertThat(sim.received()).as("three transient failures open the circuit").hasSize(3);

                // B learns of the open circuit through Redis; until then it could still try the deployment itself
                String[] code = {""};
                assertThat(Await.until(() -> {
                    try {
                        HttpResponse<String> r = http.send(chat(b, model), HttpResponse.BodyHandlers.ofString());
                        code[0] = Json.parse(r.body()).at("/error/code").asText();
                        return r.statusCode() == 503 && code[0].equals("deployments_in_cooldown");
                    } catch (Exception e) {
                        return false;
                    }
                }, Duration.ofSeconds(5))).as("B answers deployments_in_cooldown (last: %s)", code[0]).isTrue();
                assertThat(sim.received()).as("B never called the broken deployment").hasSize(3);
            }
        }
    }

    private static HttpRequest chat(GatewayProcess gw, String model) {
        return HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions"))).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }
}
