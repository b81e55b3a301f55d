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
 * leaves its usage record in the store; a stream that outlasts the grace ends with an error event
 * in its client's format, never a cut, and is recorded with what it carried.
 */
class UsageUnderDrainTest {

    static final String CONFIG = """
            models:
              paced:
                - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-token-ms: "40" } }
              slow:
                - { provider: simulator, upstreamModel: echo, extraHeaders: { x-sim-token-ms: "250" } }
            """;
    static final String LONG = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30";

    @Test
    void streamsOutlastingTheGrace_endWithAnErrorEventInTheirFormat_andAreRecordedWithWhatTheyCarried() throws Exception {
        try (TestStore store = TestStore.Kind.SQLITE.open()) {
            GatewayFixture gw = store.gateway().config(CONFIG).env("SHUTDOWN_GRACE_SECONDS", "1").start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String user = "\"messages\":[{\"role\":\"user\",\"content\":\"" + LONG + "\"}]";
            var openai = http.sendAsync(post(gw, "/v1/chat/completions", "{\"model\":\"slow\",\"stream\":true," + user + "}"),
                    HttpResponse.BodyHandlers.ofString());
            var anthropic = http.sendAsync(post(gw, "/v1/messages", "{\"model\":\"slow\",\"max_tokens\":100,\"stream\":true," + user + "}"),
                    HttpResponse.BodyHandlers.ofString());
            var gemini = http.sendAsync(post(gw, "/v1beta/models/slow:streamGenerateContent?alt=sse",
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + LONG + "\"}]}]}"), HttpResponse.BodyHandlers.ofString());
            var d = gw.gateway().snapshots().get().models().get("slow").deployments().getFirst();
            assertThat(Await.until(() -> gw.gateway().health().load(d).inFlight() == 3, Duration.ofSeconds(10))).isTrue();

            gw.gateway().drain(); // 1 s of grace, then the streams (30 words at 250 ms) are ended
            String o = openai.get().body();
            assertThat(o).contains("\"code\":\"service_unavailable\"").endsWith("data: [DONE]\n\n").doesNotContain("w30");
            String a = anthropic.get().body();
            assertThat(a).contains("event: error").contains("\"type\":\"overloaded_error\"").doesNotContain("message_stop");
            String g = gemini.get().body();
            assertThat(g.strip().lines().toList().getLast()).startsWith("data: ").contains("\"status\":\"UNAVAILABLE\"");
            gw.close();

            try (GatewayFixture again = store.gateway().config(CONFIG).start()) {
                var records = again.gateway().store().usage().summarize(UsageGroup.By.MODEL, java.time.Instant.EPOCH,
                        java.time.Instant.now().plusSeconds(86_400));
                assertThat(records).hasSize(1);
                assertThat(records.getFirst().requests()).isEqualTo(3);
                assertThat(records.getFirst().outputTokens()).as("what the three streams carried before the end").isPositive();
            }
        }
    }

    private static HttpRequest post(GatewayFixture gw, String path, String body) {
        return HttpRequest.newBuilder(URI.create(gw.url(path))).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

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
