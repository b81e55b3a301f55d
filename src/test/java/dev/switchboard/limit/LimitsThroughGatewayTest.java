package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Burst;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keys' and teams' limits and budgets, end to end on the standalone simulator. */
class LimitsThroughGatewayTest extends SimulatorBackedTest {

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  plain:
                    - { provider: openai, upstreamModel: sim-plain, baseUrl: "%1$s", credentials: { apiKey: sk-plain } }
                  priced:
                    - { provider: openai, upstreamModel: sim-priced, baseUrl: "%1$s", credentials: { apiKey: sk-priced },
                        pricing: { inputPerMTokens: 1000, outputPerMTokens: 1000 } }
                  cheap:
                    - { provider: openai, upstreamModel: sim-cheap, baseUrl: "%1$s", credentials: { apiKey: sk-cheap },
                        pricing: { inputPerMTokens: 1, outputPerMTokens: 2 } }
                  dear:
                    - { provider: openai, upstreamModel: sim-dear, baseUrl: "%1$s", credentials: { apiKey: sk-dear },
                        pricing: { inputPerMTokens: 10000, outputPerMTokens: 10000 } }
                  slow-embed:
                    - { provider: openai, upstreamModel: sim-embed, baseUrl: "%1$s", credentials: { apiKey: sk-embed },
                        extraHeaders: { x-sim-latency-ms: "1000" } }
                fallbacks:
                  - { primaryModel: cheap, reason: general, targets: [dear] }
                """.formatted(sim.baseUrl())).start();
    }

    static String key(String body) {
        return Admin.create(gw, "/admin/keys", body).get("key").asText();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static HttpResponse<String> chat(String key, String model, String extra) {
        return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + key);
    }

    @Test
    void rpm50_of200ParallelRequests_exactly50Succeed() throws Exception {
        String key = key("{\"name\":\"" + unique("rpm") + "\",\"limits\":{\"rpm\":50}}");
        HttpRequest req = Burst.chat(gw, key, "plain");
        Burst.assertAdmittedExactly(Burst.send(200, i -> req), 50, 50);
        assertThat(sim.received()).hasSize(50);
    }

    @Test
    void embeddings_reserveTheirInput_soConcurrentOnesCannotOverrunTpm() throws Exception {
        // 11 tokens each (the simulator counts words) against tpm 20: the first holds 11, the second
        // is admitted while 11 < 20, the rest wait out the minute
        String key = key("{\"name\":\"" + unique("etpm") + "\",\"limits\":{\"tpm\":20}}");
        HttpRequest embed = HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/embeddings")))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"slow-embed\",\"input\":\"a b c d e f g h i j k\"}")).build();
        List<HttpResponse<String>> answers = Burst.send(5, i -> embed);
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(ok).as("admitted of 5 in flight together").isBetween(1L, 2L);
        assertThat(answers.stream().filter(r -> r.statusCode() == 429).count()).isEqualTo(5 - ok);
    }

    @Test
    void aSuccess_carriesTheRateLimitHeaders() {
        String key = key("{\"name\":\"" + unique("hdr") + "\",\"limits\":{\"rpm\":10,\"tpm\":100000}}");
        HttpResponse<String> r = chat(key, "plain", "");
        Admin.assertChatOk(r);
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("10");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9");
        assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
        assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("100000");
        assertThat(Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow())).isLessThan(100000);
    }

    @Test
    void aTeamsLimit_isSharedByItsKeys() {
        String team = Admin.create(gw, "/admin/teams", "{\"name\":\"" + unique("team") + "\",\"limits\":{\"rpm\":3}}").get("id").asText();
        String one = key("{\"name\":\"" + unique("t1") + "\",\"teamId\":\"" + team + "\"}");
        String two = key("{\"name\":\"" + unique("t2") + "\",\"teamId\":\"" + team + "\"}");
        Admin.assertChatOk(chat(one, "plain", ""));
        Admin.assertChatOk(chat(two, "plain", ""));
        Admin.assertChatOk(chat(one, "plain", ""));
        Admin.assertError(chat(two, "plain", ""), 429, "rate_limit_error", "rate_limit_exceeded");
    }

    @Test
    void aBudgetReservation_countsTheDearestModelAFallbackMayGoTo() throws Exception {
        // 1,000 output tokens reserved: 0.002 USD at cheap's price, 10 USD at dear's, which a failure of cheap may reach
        String key = key("{\"name\":\"" + unique("fb") + "\",\"budget\":{\"maxUsd\":1}}");
        var slow = gw.http().sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/chat/completions")))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"[sim latency_ms=1500] hi\"}]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(Await.until(() -> sim.received().size() == 1, java.time.Duration.ofSeconds(5))).as("the first request is in flight").isTrue();
        Admin.assertError(chat(key, "cheap", ""), 429, "rate_limit_error", "budget_exceeded");
        Admin.assertChatOk(slow.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aTeamsMaxTokensPerRequest_holdsForItsKeys_theSmallerCapWinning() {
        String team = Admin.create(gw, "/admin/teams", "{\"name\":\"" + unique("team") + "\",\"limits\":{\"maxTokensPerRequest\":3}}")
                .get("id").asText();
        String key = key("{\"name\":\"" + unique("tcap") + "\",\"teamId\":\"" + team + "\",\"limits\":{\"maxTokensPerRequest\":64}}");
        HttpResponse<String> over = chat(key, "plain", ",\"max_completion_tokens\":20");
        Admin.assertError(over, 400, "invalid_request_error", "max_tokens_exceeded");
        assertThat(Admin.json(over).at("/error/param").asText()).as("the field the client used").isEqualTo("max_completion_tokens");
        assertThat(Admin.json(over).at("/error/message").asText()).contains("team").contains("3");
        assertThat(sim.received()).isEmpty();
        Admin.assertChatOk(chat(key, "plain", ""));
        assertThat(sim.last().json().path("max_completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void maxTokensPerRequest_refusesMore_andSetsItWhenNoneIsAsked() {
        String key = key("{\"name\":\"" + unique("cap") + "\",\"limits\":{\"maxTokensPerRequest\":64}}");
        HttpResponse<String> over = chat(key, "plain", ",\"max_tokens\":100");
        Admin.assertError(over, 400, "invalid_request_error", "max_tokens_exceeded");
        assertThat(Admin.json(over).at("/error/param").asText()).isEqualTo("max_tokens");
        assertThat(sim.received()).isEmpty();

        // both fields sent: the larger is what a provider reading either may generate
        HttpResponse<String> split = chat(key, "plain", ",\"max_tokens\":4000,\"max_completion_tokens\":10");
        Admin.assertError(split, 400, "invalid_request_error", "max_tokens_exceeded");
        assertThat(Admin.json(split).at("/error/param").asText()).isEqualTo("max_tokens");
        assertThat(Admin.json(split).at("/error/message").asText()).contains("4000");
        assertThat(sim.received()).isEmpty();

        Admin.assertChatOk(chat(key, "plain", ""));
        JsonNode sent = sim.last().json();
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(64);
        Admin.assertChatOk(chat(key, "plain", ",\"max_tokens\":10"));
        assertThat(sim.last().json().path("max_tokens").asInt()).as("a smaller ask is left alone").isEqualTo(10);

        // the refusal names the field as each format spells it
        HttpResponse<String> gemini = gw.post("/v1beta/models/plain:generateContent",
                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"maxOutputTokens\":100}}", "authorization", "Bearer " + key);
        assertThat(gemini.statusCode()).isEqualTo(400);
        assertThat(Admin.json(gemini).at("/error/details/0/metadata/param").asText()).isEqualTo("generationConfig.maxOutputTokens");
        HttpResponse<String> responses = gw.post("/v1/responses", "{\"model\":\"plain\",\"input\":\"hi\",\"max_output_tokens\":100}",
                "authorization", "Bearer " + key);
        assertThat(Admin.json(responses).at("/error/param").asText()).isEqualTo("max_output_tokens");
        // the limit the key set is the one the response shows
        HttpResponse<String> capped = gw.post("/v1/responses", "{\"model\":\"plain\",\"input\":\"hi\"}", "authorization", "Bearer " + key);
        assertThat(capped.statusCode()).as(capped.body()).isEqualTo(200);
        assertThat(Admin.json(capped).get("max_output_tokens").asInt()).isEqualTo(64);
        assertThat(sim.last().json().path("max_completion_tokens").asInt()).as("the OpenAI deployment gets it as Chat Completions").isEqualTo(64);
    }

    @Test
    void aSpentBudget_is429BudgetExceeded_withoutRetry() {
        // $1000 per million tokens: a one-token chat costs about a cent, over a $0.001 budget
        String key = key("{\"name\":\"" + unique("budget") + "\",\"budget\":{\"maxUsd\":0.001,\"period\":\"monthly\"}}");
        Admin.assertChatOk(chat(key, "priced", ",\"max_tokens\":5"));
        HttpResponse<String> spent = chat(key, "priced", ",\"max_tokens\":5");
        Admin.assertError(spent, 429, "rate_limit_error", "budget_exceeded");
        assertThat(spent.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(spent.headers().firstValue("retry-after")).as("a monthly budget resets at the next month").isPresent();
        assertThat(sim.received()).hasSize(1);
    }

    @Test
    void aBudgetHeldByARequestInFlight_isRefusedAsRetryableShortly_notAsSpent() throws Exception {
        // a request reserves at the dearest price it may reach: cheap falls back to dear ($10,000 per million),
        // so 1,000 output tokens reserve about $10, all of a $0.003 budget; it costs cheap's ($2 per million) when it ends
        String key = key("{\"name\":\"" + unique("held") + "\",\"budget\":{\"maxUsd\":0.003,\"period\":\"total\"}}");
        java.util.concurrent.CompletableFuture<HttpResponse<String>> running = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                gw.post("/v1/chat/completions", "{\"model\":\"cheap\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"[sim latency_ms=1500] hi\"}]}",
                        "authorization", "Bearer " + key));
        Await.until(() -> !sim.received().isEmpty(), Duration.ofSeconds(5));

        HttpResponse<String> held = chat(key, "cheap", ",\"max_tokens\":1000");
        Admin.assertError(held, 429, "rate_limit_error", "budget_exceeded");
        assertThat(Admin.json(held).at("/error/message").asText()).contains("reserved by requests in flight");
        assertThat(held.headers().firstValue("retry-after")).hasValue("1");
        assertThat(held.headers().firstValue("x-should-retry")).as("an SDK may retry it").isEmpty();

        Admin.assertChatOk(running.get(10, java.util.concurrent.TimeUnit.SECONDS));
        Admin.assertChatOk(chat(key, "cheap", ",\"max_tokens\":1000")); // the first settled far below its reservation
    }

    @Test
    void aSpentTotalBudget_stillSaysWhenToLookAgain() {
        String key = key("{\"name\":\"" + unique("total") + "\",\"budget\":{\"maxUsd\":0.001,\"period\":\"total\"}}");
        Admin.assertChatOk(chat(key, "priced", ",\"max_tokens\":5"));
        HttpResponse<String> spent = chat(key, "priced", ",\"max_tokens\":5");
        Admin.assertError(spent, 429, "rate_limit_error", "budget_exceeded");
        assertThat(spent.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(spent.headers().firstValue("retry-after")).as("no reset: a day").hasValue("86400");
        assertThat(spent.headers().firstValue("retry-after-ms")).hasValue("86400000");
    }

    @Test
    void aKeyWithABudget_cannotUseAnUnpricedModel() {
        String key = key("{\"name\":\"" + unique("unpriced") + "\",\"budget\":{\"maxUsd\":5,\"period\":\"total\"}}");
        HttpResponse<String> r = chat(key, "plain", "");
        Admin.assertError(r, 400, "invalid_request_error", "model_unpriced");
        assertThat(Admin.json(r).at("/error/param").asText()).isEqualTo("model");
        assertThat(Admin.json(r).at("/error/message").asText()).contains("this API key has a budget");
        assertThat(sim.received()).isEmpty();

        String team = Admin.create(gw, "/admin/teams", "{\"name\":\"" + unique("unpriced-team") + "\",\"budget\":{\"maxUsd\":5}}").get("id").asText();
        String member = key("{\"name\":\"" + unique("unpriced-member") + "\",\"teamId\":\"" + team + "\"}");
        HttpResponse<String> byTeam = chat(member, "plain", "");
        Admin.assertError(byTeam, 400, "invalid_request_error", "model_unpriced");
        assertThat(Admin.json(byTeam).at("/error/message").asText()).as("whose budget it is").contains("this API key's team has a budget");
        // the models it may call leave the unpriced one out
        HttpResponse<String> models = gw.get("/v1/models", "authorization", "Bearer " + key);
        assertThat(Admin.json(models).path("data").findValuesAsText("id")).containsExactly("cheap", "dear", "priced");
        HttpResponse<String> gemini = gw.get("/v1beta/models", "authorization", "Bearer " + key);
        assertThat(Admin.json(gemini).path("models").findValuesAsText("name")).containsExactly("models/cheap", "models/dear", "models/priced");
        // and so does each model's own page
        assertThat(gw.get("/v1/models/priced", "authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        HttpResponse<String> page = gw.get("/v1/models/plain", "authorization", "Bearer " + key);
        Admin.assertError(page, 404, "invalid_request_error", "model_not_found");
        assertThat(Admin.json(page).at("/error/message").asText()).as("it exists: why it is not the key's").contains("has no price");
        assertThat(gw.get("/v1beta/models/plain", "authorization", "Bearer " + key).statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedRequest_givesBackItsReservation() {
        String key = key("{\"name\":\"" + unique("fail") + "\",\"limits\":{\"tpm\":3000,\"maxConcurrent\":1}}");
        for (int i = 0; i < 5; i++) {
            Admin.assertError(gw.post("/v1/chat/completions", "{\"model\":\"plain\",\"max_tokens\":2000,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"[sim status=400] x\"}]}", "authorization", "Bearer " + key),
                    400, "invalid_request_error", "invalid_request");
        }
        // had the 2000-token reservations or the concurrency slot leaked, this would be refused
        Admin.assertChatOk(chat(key, "plain", ",\"max_tokens\":2000"));
    }

    @Test
    void aStreamTheClientAbandons_givesBackItsSlotAndReservation_andSettlesWhatItCarried() throws Exception {
        // each stream reserves 2000 output tokens of a 3000 tpm; a leaked reservation or slot refuses the next
        String key = key("{\"name\":\"" + unique("abandon") + "\",\"limits\":{\"tpm\":3000,\"maxConcurrent\":1}}");
        for (int i = 0; i < 3; i++) {
            abandonAfterFirstEvent(key, "{\"model\":\"plain\",\"stream\":true,\"max_tokens\":2000,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"[sim token_ms=200] one two three four five six\"}]}");
            // the slot comes back once the gateway has seen the client leave
            Await.until(() -> chat(key, "plain", ",\"max_tokens\":500").statusCode() == 200, Duration.ofSeconds(5));
        }
        HttpResponse<String> after = chat(key, "plain", ",\"max_tokens\":2000");
        Admin.assertChatOk(after);
        // what was used: 3 small answers and 3 abandoned streams settled at about what they carried, far under 3000
        long remaining = Long.parseLong(after.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        assertThat(remaining).isBetween(500L, 2999L);
    }

    /** Sends a streamed chat on a raw connection, reads up to its first event and hangs up. */
    private static void abandonAfterFirstEvent(String key, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer " + key
                    + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            for (String l = in.readLine(); l != null; l = in.readLine()) if (l.contains("data: ")) break;
        }
    }
}
