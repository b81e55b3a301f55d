package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.transport.Json;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.TestClock;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pools, circuits and fallbacks end to end: deployments made through the admin API on the
 * standalone simulator, whose fault modes they carry as extra headers; circuits run on a clock
 * the test moves. Each test uses public models of its own.
 */
class ResilienceThroughGatewayTest extends SimulatorBackedTest {

    static final TestClock clock = new TestClock();

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().clock(clock).start();
    }

    /** Creates a deployment on the simulator; its key tells its requests apart there. */
    static String deployment(String model, String key, String extraHeaders) {
        JsonNode d = Admin.create(gw, "/admin/deployments", """
                {"publicModel":"%s","provider":"openai","upstreamModel":"sim-%s","baseUrl":"%s",
                 "credentials":{"apiKey":"%s"},"extraHeaders":%s}""".formatted(model, key, sim.baseUrl(), key, extraHeaders));
        return d.get("id").asText();
    }

    static void fallback(String primary, String reason, String... targets) {
        String list = String.join("\",\"", targets);
        Admin.data(gw.put("/admin/fallbacks", """
                {"primaryModel":"%s","reason":"%s","targets":["%s"]}""".formatted(primary, reason, list)), 200);
    }

    static HttpResponse<String> chat(String model, String... headers) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    /** How many requests the simulator received with each API key. */
    static Map<String, Integer> byKey() {
        Map<String, Integer> out = new HashMap<>();
        for (SimulatorServer.Received r : sim.received()) {
            String auth = r.headers().get("authorization");
            if (auth != null) out.merge(auth.substring("Bearer ".length()), 1, Integer::sum);
        }
        return out;
    }

    /** A model whose streams the simulator cuts after {@code events} events, and a backup model as its general fallback. */
    static void cutWithBackup(String model, int events) {
        deployment(model, "k-" + model, "{\"x-sim-cut-after\":\"" + events + "\"}");
        deployment(model + "-backup", "k-" + model + "-backup", "{}");
        fallback(model, "general", model + "-backup");
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void poolOfThree_failingThrottledAndSlow_everyRequestSucceeds_andTheFailingOneReturnsAfterItsProbe() {
        String failing = deployment("trio", "k-fail", "{\"x-sim-status\":\"500\"}");
        deployment("trio", "k-throttle", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"30\"}");
        String slow = deployment("trio", "k-slow", "{\"x-sim-latency-ms\":\"60\"}");

        // the draw is random: until the failing one has been tried three times (12 requests were not always enough)
        for (int i = 0; i < 200 && byKey().getOrDefault("k-fail", 0) < 3; i++) {
            HttpResponse<String> r = chat("trio");
            Admin.assertChatOk(r);
            assertThat(header(r, "x-switchboard-deployment")).isEqualTo(slow);
        }
        for (int i = 0; i < 5; i++) Admin.assertChatOk(chat("trio"));
        assertThat(byKey().getOrDefault("k-fail", 0)).as("three failures open its circuit: no fourth try").isEqualTo(3);
        assertThat(byKey().getOrDefault("k-throttle", 0)).as("one throttle cools it for its Retry-After").isLessThanOrEqualTo(1);

        // the failing deployment recovers; its circuit stays open until the cooldown is over
        Admin.data(gw.patch("/admin/deployments/" + failing, "{\"extraHeaders\":{\"x-sim-status\":null}}"), 200);
        // the change reaches the serving snapshot on its own time: a probe before it would still fail
        assertThat(Await.until(() -> gw.gateway().snapshots().get().models().get("trio").deployments().stream()
                .filter(d -> d.id().equals(failing)).noneMatch(d -> d.extraHeaders().containsKey("x-sim-status")), Duration.ofSeconds(5)))
                .isTrue();
        sim.clear();
        Admin.assertChatOk(chat("trio"));
        assertThat(byKey()).doesNotContainKey("k-fail");

        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> probe = chat("trio");
        Admin.assertChatOk(probe);
        assertThat(header(probe, "x-switchboard-deployment")).as("the probe goes first").isEqualTo(failing);
        assertThat(header(probe, "x-switchboard-attempts")).isEqualTo("1");

        sim.clear();
        for (int i = 0; i < 30; i++) Admin.assertChatOk(chat("trio"));
        assertThat(byKey()).as("closed again, it takes its share; the throttled one still cools")
                .containsKeys("k-fail", "k-slow").doesNotContainKey("k-throttle");
    }

    @Test
    void generalFallback_servesWhenThePrimaryFails_andTheTraceListsEveryAttempt() {
        String primary = deployment("fb-primary", "k-fb-primary", "{\"x-sim-status\":\"503\"}");
        String backup = deployment("fb-backup", "k-fb-backup", "{}");
        fallback("fb-primary", "general", "fb-backup");

        HttpResponse<String> r = chat("fb-primary", "x-switchboard-trace", "1");
        Admin.assertChatOk(r);
        assertThat(header(r, "x-switchboard-deployment")).isEqualTo(backup);
        assertThat(header(r, "x-switchboard-attempts")).isEqualTo("2");
        String[] trace = header(r, "x-switchboard-trace").split(";");
        assertThat(trace).hasSize(2);
        assertThat(trace[0]).startsWith(primary + ":transient:503:");
        assertThat(trace[1]).startsWith(backup + ":ok:200:");
    }

    @Test
    void rateLimitFallback_takesTheThrottledPrimarysTraffic_untilItCoolsDown() {
        deployment("rl-primary", "k-rl-primary", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"20\"}");
        String backup = deployment("rl-backup", "k-rl-backup", "{}");
        fallback("rl-primary", "rate_limit", "rl-backup");

        HttpResponse<String> first = chat("rl-primary");
        Admin.assertChatOk(first);
        assertThat(header(first, "x-switchboard-deployment")).isEqualTo(backup);
        assertThat(header(first, "x-switchboard-attempts")).isEqualTo("2");

        sim.clear();
        HttpResponse<String> second = chat("rl-primary");
        Admin.assertChatOk(second);
        assertThat(header(second, "x-switchboard-attempts")).as("the cooling primary is not even tried").isEqualTo("1");
        assertThat(byKey()).containsOnlyKeys("k-rl-backup");
    }

    @Test
    void aThrottle_leavesTheRetryToTheSdk_onlyWhileTheGatewayHasNotRetried() {
        // a pool of one: one attempt, so the SDK's own retry after Retry-After is the only one
        deployment("thr-one", "k-thr-one", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"2\"}");
        HttpResponse<String> one = chat("thr-one");
        Admin.assertError(one, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(one, "x-switchboard-attempts")).isEqualTo("1");
        assertThat(header(one, "retry-after")).isEqualTo("2");
        assertThat(header(one, "x-should-retry")).isNull();

        // the gateway moved to the second deployment and was throttled again: it has done the retrying
        deployment("thr-two", "k-thr-two-a", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"2\"}");
        deployment("thr-two", "k-thr-two-b", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"2\"}");
        HttpResponse<String> two = chat("thr-two");
        Admin.assertError(two, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(two, "x-switchboard-attempts")).isEqualTo("2");
        assertThat(header(two, "x-should-retry")).isEqualTo("false");
    }

    @Test
    void aThrottleWithoutRetryAfter_coolsTheAccountLikeACircuitOpening_andTellsTheClientHowLong() {
        deployment("thr-bare", "k-thr-bare", "{\"x-sim-status\":\"429\"}");
        HttpResponse<String> first = chat("thr-bare");
        Admin.assertError(first, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(first, "retry-after")).as("the first cooldown of the router settings").isEqualTo("5");

        HttpResponse<String> cooling = chat("thr-bare");
        Admin.assertError(cooling, 503, "server_error", "deployments_in_cooldown");
        assertThat(header(cooling, "retry-after-ms")).isEqualTo("5000");

        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> again = chat("thr-bare");
        Admin.assertError(again, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(again, "retry-after")).as("throttled again at once: the cooldown doubles").isEqualTo("10");
        assertThat(byKey()).containsEntry("k-thr-bare", 2);
    }

    @Test
    void aDeploymentThatRefusesTheGateway_isAFinalAnswer_evenAfterOneAttempt() {
        // the upstream refuses the deployment's own credentials: no retry of the client's can help
        deployment("refused", "k-refused", "{\"x-sim-status\":\"401\"}");
        HttpResponse<String> r = chat("refused");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(header(r, "x-switchboard-attempts")).isEqualTo("1");
        assertThat(header(r, "x-should-retry")).isEqualTo("false");
    }

    @Test
    void everyDeploymentCooling_throughFallbacks_namesTheModelTheClientAskedFor() throws Exception {
        deployment("cool-asked", "k-cool-asked", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"30\"}");
        deployment("cool-backup", "k-cool-backup", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"30\"}");
        fallback("cool-asked", "general", "cool-backup");
        Admin.assertError(chat("cool-asked"), 429, "rate_limit_error", "rate_limit_exceeded");

        HttpResponse<String> cooling = chat("cool-asked");
        Admin.assertError(cooling, 503, "server_error", "deployments_in_cooldown");
        assertThat(Json.parse(cooling.body()).at("/error/message").asText())
                .isEqualTo("Every deployment of the model 'cool-asked' and of its fallbacks is cooling down or at capacity;"
                        + " retry after the indicated time.");
        assertThat(byKey()).containsEntry("k-cool-asked", 1).containsEntry("k-cool-backup", 1);
    }

    @Test
    void everyDeploymentCooling_is503DeploymentsInCooldown_withAnAccurateRetryAfter() {
        deployment("cooling", "k-cooling", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"30\"}");
        Admin.assertError(chat("cooling"), 429, "rate_limit_error", "rate_limit_exceeded");

        HttpResponse<String> cooling = chat("cooling");
        Admin.assertError(cooling, 503, "server_error", "deployments_in_cooldown");
        assertThat(header(cooling, "retry-after")).isEqualTo("30");
        assertThat(header(cooling, "x-switchboard-attempts")).isEqualTo("0");

        clock.advance(Duration.ofSeconds(12));
        HttpResponse<String> later = chat("cooling");
        assertThat(header(later, "retry-after")).isEqualTo("18");
        assertThat(header(later, "retry-after-ms")).isEqualTo("18000");
        assertThat(header(later, "x-should-retry")).as("an SDK may wait 18 s").isNull();
        assertThat(byKey()).containsEntry("k-cooling", 1);

        // a wait of minutes is not one an SDK should sleep through
        deployment("cooling-long", "k-cooling-long", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"300\"}");
        chat("cooling-long");
        HttpResponse<String> longWait = chat("cooling-long");
        Admin.assertError(longWait, 503, "server_error", "deployments_in_cooldown");
        assertThat(header(longWait, "retry-after")).isEqualTo("300");
        assertThat(header(longWait, "x-should-retry")).isEqualTo("false");
    }

    @Test
    void aFailedProbe_tellsTheSdkHowLongTheCircuitStaysOpen_ratherThanLettingItRetryIntoTheCooldown() {
        deployment("probe-fails", "k-probe-fails", "{\"x-sim-status\":\"500\"}");
        for (int i = 0; i < 5 && !chat("probe-fails").body().contains("deployments_in_cooldown"); i++) { }
        clock.advance(Duration.ofMinutes(6)); // past the cooldown: the next request is the probe
        HttpResponse<String> probe = chat("probe-fails");
        Admin.assertError(probe, 502, "server_error", "upstream_error");
        assertThat(header(probe, "x-switchboard-attempts")).isEqualTo("1");
        assertThat(header(probe, "x-should-retry")).as("one attempt: the SDK's retry is the only one").isNull();

        HttpResponse<String> cooling = chat("probe-fails");
        Admin.assertError(cooling, 503, "server_error", "deployments_in_cooldown");
        assertThat(header(probe, "retry-after-ms")).as("the reopened circuit's cooldown").isNotNull()
                .isEqualTo(header(cooling, "retry-after-ms"));
        assertThat(header(probe, "retry-after")).isEqualTo(header(cooling, "retry-after"));
    }

    @Test
    void aTransientFailure_whoseFallbackIsAllCooling_isRetriedOnTheRequestedModel_afterABackoff() {
        deployment("rf-backup", "k-rf-backup", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"40\"}");
        Admin.assertError(chat("rf-backup"), 429, "rate_limit_error", "rate_limit_exceeded");
        deployment("rf-asked", "k-rf-asked", "{\"x-sim-status\":\"500\"}");
        fallback("rf-asked", "general", "rf-backup");
        // the fallback cannot take the request: the gateway retries the asked model itself, to maxAttempts
        HttpResponse<String> r = chat("rf-asked");
        Admin.assertError(r, 502, "server_error", "upstream_error");
        assertThat(header(r, "x-switchboard-attempts")).isEqualTo("3");
        assertThat(header(r, "x-should-retry")).as("the gateway did the retrying").isEqualTo("false");
        assertThat(byKey()).containsEntry("k-rf-asked", 3).containsEntry("k-rf-backup", 1);
    }

    @Test
    void aProbeTheProviderRefusesAsABadRequest_letsTheNextRequestProbe() {
        deployment("probed", "k-probed", "{}");
        String failing = "{\"model\":\"probed\",\"messages\":[{\"role\":\"user\",\"content\":\"[sim status=503] x\"}]}";
        // the provider's 503s (each retried by the gateway) open the circuit
        for (int i = 0; i < 5 && !gw.post("/v1/chat/completions", failing).body().contains("deployments_in_cooldown"); i++) { }
        Admin.assertError(chat("probed"), 503, "server_error", "deployments_in_cooldown");
        clock.advance(Duration.ofMinutes(6)); // past any cooldown
        HttpResponse<String> probe = gw.post("/v1/chat/completions",
                "{\"model\":\"probed\",\"messages\":[{\"role\":\"user\",\"content\":\"[sim status=400] x\"}]}");
        Admin.assertError(probe, 400, "invalid_request_error", "invalid_request");
        // the probe taught nothing about the deployment: the next request probes instead of waiting out its lease
        Admin.assertChatOk(chat("probed"));
        Admin.assertChatOk(chat("probed"));
    }

    @Test
    void theOverheadHeader_leavesOutTheBackoffsBetweenRetries() {
        deployment("backed-off", "k-backed-off", "{\"x-sim-status\":\"500\"}");
        Admin.data(gw.put("/admin/router-settings", "{\"backoff\":{\"baseMs\":1000,\"maxMs\":1000}}"), 200);
        try {
            Await.until(() -> gw.gateway().snapshots().get().router().backoff().baseMs() == 1000, Duration.ofSeconds(5));
            HttpResponse<String> r = chat("backed-off");
            Admin.assertError(r, 502, "server_error", "upstream_error");
            assertThat(header(r, "x-switchboard-attempts")).isEqualTo("3");
            // two backoffs drawn from [0, 1000] ms lie between the three attempts; they are waiting, not the gateway's work
            assertThat(Double.parseDouble(header(r, "x-switchboard-overhead-ms"))).isLessThan(100);
        } finally {
            Admin.data(gw.put("/admin/router-settings", "{}"), 200);
        }
    }

    @Test
    void theRetryAfterOfACooldown_isWhenTheFirstOfThePrimaryAndItsFallbacksFreesUp() {
        deployment("cool-a", "k-cool-a", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"30\"}");
        deployment("cool-b", "k-cool-b", "{\"x-sim-status\":\"429\",\"x-sim-retry-after\":\"10\"}");
        fallback("cool-a", "rate_limit", "cool-b");
        HttpResponse<String> throttled = chat("cool-a");
        Admin.assertError(throttled, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(header(throttled, "x-switchboard-attempts")).isEqualTo("2");

        HttpResponse<String> cooling = chat("cool-a");
        Admin.assertError(cooling, 503, "server_error", "deployments_in_cooldown");
        assertThat(header(cooling, "retry-after")).isEqualTo("10");
    }

    @Test
    void oneAttemptBudget_isSharedByThePrimaryAndItsFallbacks() {
        for (String k : List.of("k-b1", "k-b2", "k-b3")) deployment("budget", k, "{\"x-sim-status\":\"500\"}");
        deployment("budget-backup", "k-budget-backup", "{}");
        fallback("budget", "general", "budget-backup");

        HttpResponse<String> r = chat("budget");
        Admin.assertError(r, 502, "server_error", "upstream_error");
        assertThat(header(r, "x-switchboard-attempts")).isEqualTo("3");
        assertThat(header(r, "x-should-retry")).isEqualTo("false");
        assertThat(byKey()).containsOnlyKeys("k-b1", "k-b2", "k-b3");
    }

    @Test
    void aRequestTheProviderRefuses_isNotRetried_andCostsTheDeploymentNothing() {
        deployment("refusing", "k-refusing", "{\"x-sim-status\":\"400\"}");
        fallback("refusing", "general", "fb-backup-unused");
        for (int i = 0; i < 5; i++) Admin.assertError(chat("refusing"), 400, "invalid_request_error", "invalid_request");
        assertThat(byKey()).containsEntry("k-refusing", 5);
    }

    @Test
    void contentPolicyFallback_takesARefusedRequest_butTheGeneralChainDoesNot() {
        // the simulator's Azure side answers a 400 with Azure's content-filter error
        String azure = """
                {"publicModel":"%s","provider":"azure","upstreamModel":"my-gpt","baseUrl":"%s","apiVersion":"2024-10-21",
                 "credentials":{"apiKey":"k-%s"},"extraHeaders":{"x-sim-status":"400"}}""";
        Admin.create(gw, "/admin/deployments", azure.formatted("cp-strict", sim.rootUrl(), "cp-strict"));
        Admin.create(gw, "/admin/deployments", azure.formatted("cp-general-only", sim.rootUrl(), "cp-general-only"));
        String lax = deployment("cp-lax", "k-cp-lax", "{}");
        fallback("cp-strict", "content_policy", "cp-lax");
        fallback("cp-general-only", "general", "cp-lax");

        HttpResponse<String> r = chat("cp-strict");
        Admin.assertChatOk(r);
        assertThat(header(r, "x-switchboard-deployment")).isEqualTo(lax);
        assertThat(header(r, "x-switchboard-attempts")).isEqualTo("2");

        Admin.assertError(chat("cp-general-only"), 400, "invalid_request_error", "content_policy_violation");
    }

    @Test
    void stream_failingBeforeAnyOutput_fallsBackInvisibly() throws Exception {
        // a primary that fails at once, and one cut after its role-only first chunk: neither committed any output
        deployment("sfb-primary", "k-sfb-primary", "{\"x-sim-status\":\"502\"}");
        deployment("sfb-backup", "k-sfb-backup", "{}");
        fallback("sfb-primary", "general", "sfb-backup");
        cutWithBackup("role-cut", 1);

        for (String model : List.of("sfb-primary", "role-cut")) {
            HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions",
                    "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> lines = GatewayFixture.lines(r);
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines).noneMatch(l -> l.contains("\"error\""));
            assertThat(lines.stream().filter(l -> l.contains("\"role\":\"assistant\"")).count()).as("one role chunk, the backup's").isEqualTo(1);
            assertThat(String.join("", lines)).contains("one").contains("two");
        }
        assertThat(byKey()).containsEntry("k-role-cut", 1).containsEntry("k-role-cut-backup", 1);
    }

    @Test
    void stream_failingAfterTheFirstChunk_endsWithAnErrorEvent_inEachInboundFormat_andIsNotRetried() throws Exception {
        cutWithBackup("cut", 2);

        List<String> openai = GatewayFixture.lines(gw.openStream("/v1/chat/completions",
                "{\"model\":\"cut\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f\"}]}"));
        assertThat(openai.getLast()).isEqualTo("data: [DONE]");
        assertThat(openai.get(openai.size() - 2)).startsWith("data: {\"error\":");

        List<String> anthropic = GatewayFixture.lines(gw.openStream("/v1/messages",
                "{\"model\":\"cut\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f\"}]}"));
        assertThat(anthropic).contains("event: error");
        assertThat(anthropic).doesNotContain("event: message_stop");

        assertThat(byKey()).as("after the commit point nothing is retried").containsOnlyKeys("k-cut");
    }

    @Test
    void clientDisconnectMidStream_closesTheUpstreamWithinASecond_andFreesTheSlot() throws Exception {
        String id = deployment("paced", "k-paced", "{\"x-sim-token-ms\":\"300\"}");
        long before = sim.abandoned();
        HttpResponse<InputStream> r = gw.openStream("/v1/chat/completions",
                "{\"model\":\"paced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f g h i j k l\"}]}");
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).startsWith("data: ");
        Deployment d = gw.gateway().snapshots().get().models().get("paced").deployments().getFirst();
        assertThat(d.id()).isEqualTo(id);
        assertThat(gw.gateway().health().load(d).inFlight()).isEqualTo(1);

        r.body().close();
        assertThat(Await.until(() -> sim.abandoned() > before, Duration.ofSeconds(1))).as("the simulator saw the gateway go away").isTrue();
        assertThat(Await.until(() -> gw.gateway().health().load(d).inFlight() == 0, Duration.ofSeconds(1))).isTrue();
        assertThat(gw.gateway().health().circuits().state(d.circuitKey()).clean()).as("a client leaving is not the deployment's failure").isTrue();
    }


}
