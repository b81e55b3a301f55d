package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/** Many requests in flight at once, for tests of limits under concurrency. */
public final class Burst {

    private Burst() {}

    /** A chat completion for {@code model} with {@code key}, to {@code gw}. */
    public static HttpRequest chat(GatewayFixture gw, String key, String model) {
        return chat(gw.url("/v1/chat/completions"), key, model);
    }

    /** A chat completion for {@code model} with {@code key}, to the chat completions URL of any gateway. */
    public static HttpRequest chat(String chatCompletionsUrl, String key, String model) {
        return HttpRequest.newBuilder(URI.create(chatCompletionsUrl)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    /**
     * Sends {@code n} requests at once and returns the answers in order. HTTP/1.1, so every request is
     * in flight at the same time on a connection of its own (the JDK client caps HTTP/2 streams).
     */
    public static List<HttpResponse<String>> send(int n, IntFunction<HttpRequest> request) throws InterruptedException, ExecutionException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) all.add(http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString()));
        List<HttpResponse<String>> out = new ArrayList<>(n);
        for (var f : all) out.add(f.get());
        return out;
    }

    /**
     * Asserts that exactly {@code admitted} answers are 200 and the rest are the contract's 429
     * {@code rate_limit_exceeded} for an rpm limit of {@code rpm}, with its headers.
     */
    public static void assertAdmittedExactly(List<HttpResponse<String>> answers, int admitted, long rpm) {
        int ok = 0;
        for (HttpResponse<String> r : answers) {
            if (r.statusCode() == 200) {
                ok++;
                continue;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(Admin.json(r).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue(Long.toString(rpm));
            assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        }
        assertThat(ok).isEqualTo(admitted);
    }
}
