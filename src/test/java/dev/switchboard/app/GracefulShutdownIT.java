package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as a real process: SIGTERM lets in-flight streams finish, to their last
 * byte, refuses new connections meanwhile, and the process exits well within the grace period.
 */
class GracefulShutdownIT {

    static final String KEY = "sk-sb-it-master-key-0123456789abcdefghijklmn";

    @Test
    void sigterm_drainsInFlightStream_refusesNewConnections_exits() throws Exception {
        GatewayProcess gateway = GatewayProcess.start(Map.of("MASTER_KEY", KEY, "SHUTDOWN_GRACE_SECONDS", "20"));
        Process process = gateway.process();
        int port = gateway.port();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            gateway.awaitReady(http);

            String words = String.join(" ", java.util.Collections.nCopies(16, "word"));
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"[sim token_ms=150] " + words + "\"}]}")).build();
            // a Gemini stream as well, read raw: its answer is re-encoded by the gateway, and on
            // io_uring its last bytes (the chunked encoding's terminator) were lost when the drain
            // closed the connection — which lenient clients do not notice and curl and Node's fetch do
            String geminiBody = "{\"contents\":[{\"parts\":[{\"text\":\"[sim token_ms=150] " + words + "\"}]}]}";
            Socket gemini = new Socket("127.0.0.1", port);
            gemini.getOutputStream().write(("POST /v1beta/models/demo:streamGenerateContent?alt=sse HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                    + "x-goog-api-key: " + KEY + "\r\ncontent-type: application/json\r\ncontent-length: " + geminiBody.length()
                    + "\r\n\r\n" + geminiBody).getBytes(StandardCharsets.UTF_8));
            InputStream geminiIn = gemini.getInputStream();
            assertThat(new String(geminiIn.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            BufferedReader in = lines(http.send(req, HttpResponse.BodyHandlers.ofInputStream()));
            List<String> lines = new ArrayList<>();
            lines.add(in.readLine());
            assertThat(lines.getFirst()).startsWith("data: ");
            // a keep-alive connection, as a load balancer's probe or an SDK's pool holds one
            Socket probe = new Socket("127.0.0.1", port);
            assertThat(get(probe, "/health/ready")).startsWith("HTTP/1.1 200");

            process.destroy(); // SIGTERM
            assertThat(awaitRefused(port)).as("new connections refused while draining").isTrue();
            String ready = get(probe, "/health/ready");
            assertThat(ready).as("readiness on the open connection").startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: ");
            String work = get(probe, "/v1/models");
            assertThat(work).as("new work on it: the contract's draining answer").startsWith("HTTP/1.1 503")
                    .contains("\"code\":\"service_unavailable\"").containsIgnoringCase("connection: close");
            probe.close();

            for (String l = in.readLine(); l != null; l = in.readLine()) if (!l.isEmpty()) lines.add(l);
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines.stream().filter(l -> l.contains("\"content\":\"") && l.contains("word")).count()).isEqualTo(16);
            String geminiRest = new String(geminiIn.readAllBytes(), StandardCharsets.UTF_8); // to the close
            gemini.close();
            assertThat(geminiRest).contains("\"finishReason\":\"STOP\"").endsWith("\r\n0\r\n\r\n");
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("process exits after draining").isTrue();
            assertThat(gateway.output()).contains("draining");
        } finally {
            process.destroyForcibly();
        }
    }

    private static BufferedReader lines(HttpResponse<InputStream> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** One GET on a kept-alive connection: the whole answer (head and its content-length body) as text. */
    private static String get(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer " + KEY + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after: " + head);
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
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
