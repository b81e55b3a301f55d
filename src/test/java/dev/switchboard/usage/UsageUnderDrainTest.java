package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A gateway drained (SIGTERM) while streams are in flight lets them finish, and every one of them
 * leaves its usage record in the store.
 */
class UsageUnderDrainTest {

    static final String CONFIG = """
            models:
              paced:
                - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-token-ms: "40" } }
            """;

    @Test
    void drainingWithStreamsInFlight_losesNoUsageRecord() throws Exception {
        int n = 24;
        try (TestStore store = TestStore.Kind.SQLITE.open()) {
            GatewayFixture gw = store.gateway().config(CONFIG).env("SHUTDOWN_GRACE_SECONDS", "20").start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions"))).timeout(Duration.ofSeconds(30))
                    .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"paced\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"one two three four five six seven eight nine ten eleven twelve\"}]}")).build();
            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < n; i++) streams.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            var d = gw.gateway().snapshots().get().models().get("paced").deployments().getFirst();
            assertThat(Await.until(() -> gw.gateway().health().load(d).inFlight() == n, Duration.ofSeconds(10)))
                    .as("every stream is in flight when the drain begins").isTrue();

            gw.gateway().drain(); // what SIGTERM runs: waits for the streams, then closes the store
            for (var s : streams) {
                HttpResponse<String> r = s.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).as("each stream ran to its end").contains("[DONE]");
            }
            gw.close();

            try (GatewayFixture again = store.gateway().config(CONFIG).start()) {
                assertThat(again.gateway().store().usage().count()).isEqualTo(n);
            }
        }
    }
}
