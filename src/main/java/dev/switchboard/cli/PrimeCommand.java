package dev.switchboard.cli;

import dev.switchboard.app.Gateway;
import dev.switchboard.app.Settings;
import dev.switchboard.provider.simulator.SimulatorServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The launcher's training run (hidden from {@code --help}): a throwaway gateway on a free port
 * with its own store in a temporary directory, in front of a simulator on another, is sent each
 * kind of request a few times and closed. The launcher runs it once per build under the JVM's
 * class-cache recording ({@code -XX:AOTCacheOutput} on JDK 25+, {@code -XX:ArchiveClassesAtExit}
 * before), so that later starts map the classes it loaded instead of loading them one by one.
 * Nothing leaves loopback; exit 0 only when the gateway answered the first chat completion. Its
 * output is the launcher's to discard.
 */
@Command(name = "prime", hidden = true,
        description = "Exercise a throwaway gateway once, so that the launcher can record a class cache for faster starts.")
public final class PrimeCommand implements Callable<Integer> {

    /** How often each request is sent: every path more than once, while the training stays a few seconds of a build. */
    private static final int ROUNDS = 3;
    private static final String KEY = "sk-sb-prime-00000000000000000000000000000000";

    private record Call(String method, String path, String body) {}

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-prime");
        try (SimulatorServer upstream = SimulatorServer.start("127.0.0.1", 0, null)) {
            Path config = dir.resolve("prime.yaml");
            String sim = "http://127.0.0.1:" + upstream.port();
            Files.writeString(config, """
                    models:
                      prime-openai:
                        - { provider: openai-compatible, upstreamModel: sim, baseUrl: "%1$s/v1" }
                      prime-anthropic:
                        - { provider: anthropic, upstreamModel: claude-sim, baseUrl: "%1$s", credentials: { apiKey: prime } }
                      prime-gemini:
                        - { provider: gemini, upstreamModel: gemini-sim, baseUrl: "%1$s", credentials: { apiKey: prime } }
                    """.formatted(sim));
            Settings settings = Settings.fromEnv(Map.of("HOST", "127.0.0.1", "PORT", "0", "MASTER_KEY", KEY, "LOG_LEVEL", "error",
                    "LOG_FORMAT", "text", "SWITCHBOARD_DATA_DIR", dir.resolve("data").toString(), "SWITCHBOARD_CONFIG", config.toString(),
                    "SHUTDOWN_GRACE_SECONDS", "1"));
            Gateway gateway = Gateway.start(settings);
            try {
                return exercise("http://127.0.0.1:" + gateway.port()) ? 0 : 1;
            } finally {
                gateway.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean exercise(String base) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String hello = "[{\"role\":\"user\",\"content\":\"Hello there\"}]";
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
        List<Call> calls = List.of(
                new Call("GET", "/health/ready", null),
                new Call("GET", "/v1/models", null),
                new Call("GET", "/admin/models", null),
                new Call("POST", "/v1/embeddings", "{\"model\":\"prime-openai\",\"input\":\"Hello\"}"),
                new Call("POST", "/v1/completions", "{\"model\":\"prime-openai\",\"prompt\":\"Hello\"}"),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"prime-openai\",\"messages\":" + hello + ",\"tools\":" + tools + "}"),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"prime-anthropic\",\"messages\":" + hello + ",\"stream\":true}"),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"prime-gemini\",\"messages\":" + hello + "}"),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"prime-openai\",\"messages\":[]}"),
                new Call("POST", "/v1/messages", "{\"model\":\"prime-anthropic\",\"max_tokens\":64,\"messages\":" + hello + "}"),
                new Call("POST", "/v1/messages", "{\"model\":\"prime-openai\",\"max_tokens\":64,\"stream\":true,\"messages\":" + hello + "}"),
                new Call("POST", "/v1beta/models/prime-gemini:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}"),
                new Call("POST", "/v1beta/models/prime-openai:streamGenerateContent?alt=sse", "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}"),
                new Call("POST", "/v1/responses", "{\"model\":\"prime-openai\",\"input\":\"Hello\",\"store\":false}"),
                new Call("POST", "/v1/responses", "{\"model\":\"prime-anthropic\",\"input\":\"Hello\",\"stream\":true,\"store\":false}"));
        // the hot path first and on its own: the one answer that must come back
        Call first = new Call("POST", "/v1/chat/completions", "{\"model\":\"prime-openai\",\"messages\":" + hello + "}");
        boolean served = send(http, base, first) == 200;
        for (int round = 0; round < ROUNDS && served; round++) {
            send(http, base, first);
            send(http, base, new Call("POST", "/v1/chat/completions",
                    "{\"model\":\"prime-openai\",\"messages\":" + hello + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
            for (Call call : calls) send(http, base, call);
        }
        return served;
    }

    private static int send(HttpClient http, String base, Call call) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call.path())).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + KEY);
        if (call.body() != null) request.header("content-type", "application/json");
        request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    }
}
