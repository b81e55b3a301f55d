package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as a real process: SIGTERM lets an in-flight stream finish, refuses new
 * connections meanwhile, and the process exits well within the grace period.
 */
class GracefulShutdownIT {

    static final String KEY = "sk-sb-it-master-key-0123456789abcdefghijklmn";

    @Test
    void sigterm_drainsInFlightStream_refusesNewConnections_exits() throws Exception {
        Path jar = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));
        assertThat(jar).exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("switchboard-it");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(data.resolve("out.log").toFile());
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("MASTER_KEY", KEY);
        pb.environment().put("SWITCHBOARD_DATA_DIR", data.toString());
        pb.environment().put("SHUTDOWN_GRACE_SECONDS", "20");
        pb.environment().put("LOG_FORMAT", "text");
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            awaitLive(http, port);

            String words = String.join(" ", java.util.Collections.nCopies(16, "word"));
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"[sim token_ms=150] " + words + "\"}]}")).build();
            HttpResponse<InputStream> stream = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            lines.add(in.readLine());
            assertThat(lines.getFirst()).startsWith("data: ");

            process.destroy(); // SIGTERM
            assertThat(awaitRefused(port)).as("new connections refused while draining").isTrue();

            for (String l = in.readLine(); l != null; l = in.readLine()) if (!l.isEmpty()) lines.add(l);
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines.stream().filter(l -> l.contains("\"content\":\"") && l.contains("word")).count()).isEqualTo(16);
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("process exits after draining").isTrue();
            assertThat(Files.readString(data.resolve("out.log"))).contains("draining");
        } finally {
            process.destroyForcibly();
        }
    }

    private static void awaitLive(HttpClient http, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    /** True once a fresh connection to the port is refused (within 5 s). */
    private static boolean awaitRefused(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                // timeout or reset: try again
            }
        }
        return false;
    }
}
