package dev.switchboard.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.transport.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The simulator's Gemini embeddings take the failure directives of its other routes. */
class SimulatorServerGeminiEmbedTest {

    @Test
    void embedRoutes_answerTheStatusTheHeadersAskFor() throws Exception {
        try (SimulatorServer sim = SimulatorServer.start("127.0.0.1", 0, null)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String method : new String[] {"embedContent", "batchEmbedContents"}) {
                String body = method.equals("embedContent") ? "{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}"
                        : "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}";
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/v1beta/models/e:" + method))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                HttpResponse<String> failed = http.send(req.copy().header("x-sim-status", "429").header("x-sim-retry-after", "2").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(failed.statusCode()).as(method).isEqualTo(429);
                assertThat(Json.parse(failed.body()).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
                assertThat(http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(method).isEqualTo(200);
            }
        }
    }
}
