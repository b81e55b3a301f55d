package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client connection that holds still is closed after the idle deadline, whether it never sends a
 * byte, sends its request head a byte at a time, stops inside its body, or idles between requests;
 * one waiting for a long answer is not.
 */
class ClientDeadlinesTest {

    static final Duration IDLE = Duration.ofMillis(400);
    static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().clientIdle(IDLE).config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                """).start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String chat(String text, boolean stream) {
        return "{\"model\":\"sim\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    static String request(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer " + GatewayFixture.MASTER_KEY
                + "\r\ncontent-type: application/json\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", gw.gateway().port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads until the server closes the connection; the milliseconds that took. Fails if it stays open for 10 s. */
    static long millisUntilClosed(Socket s, long since) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // drain whatever the server answers before closing
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was still open after 10 s", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    @Test
    void aConnectionThatNeverSends_isClosed() throws Exception {
        try (Socket s = connect()) {
            long ms = millisUntilClosed(s, System.nanoTime());
            assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 50);
        }
    }

    @Test
    void aRequestHeadSentAByteAtATime_isClosedAtTheDeadline_thoughBytesKeepComing() throws Exception {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            Thread trickle = Thread.ofVirtual().start(() -> {
                byte[] head = "POST /v1/chat/completions HTTP/1.1\r\nhost: localhost\r\nx-pad: ".getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 200; i++) { // 10 s at most, well past the deadline
                        out.write(i < head.length ? head[i] : 'a');
                        out.flush();
                        Thread.sleep(50); // the pace of the attack, not a wait for the server
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server closed the connection
                }
            });
            long ms = millisUntilClosed(s, start);
            trickle.interrupt();
            // a byte every 50 ms, yet the idle timer counts only whole messages: the head must arrive whole in time
            assertThat(ms).isBetween(IDLE.toMillis() - 50, 5_000L);
        }
    }

    @Test
    void aBodyThatStopsArriving_isClosed() throws Exception {
        try (Socket s = connect()) {
            String full = request(chat("hello", false));
            s.getOutputStream().write(full.substring(0, full.length() - 10).getBytes(StandardCharsets.UTF_8));
            long ms = millisUntilClosed(s, System.nanoTime());
            assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 50);
        }
    }

    @Test
    void anIdleKeepAliveConnection_isClosed_afterAnsweringItsRequest() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request(chat("hello", false)).getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            String answer = readResponse(in);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"content\":\"hello\"");
            long ms = millisUntilClosed(s, System.nanoTime());
            assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 50);
        }
    }

    @Test
    void aKeepAliveConnection_servesRequestsSpacedWithinTheDeadline() throws Exception {
        try (Socket s = connect()) {
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write(request(chat("hello " + i, false)).getBytes(StandardCharsets.UTF_8));
                assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").contains("hello " + i);
                Thread.sleep(IDLE.toMillis() / 2); // a client's pause between requests, shorter than the deadline
            }
        }
    }

    @Test
    void aLongSilentAnswer_outlivesTheDeadline_overHttp1() throws Exception {
        // the simulator answers after three idle deadlines; nothing crosses the connection meanwhile
        try (Socket s = connect()) {
            s.getOutputStream().write(request(chat("[sim latency_ms=1200] slow", false)).getBytes(StandardCharsets.UTF_8));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").contains("slow");
        }
    }

    @Test
    void aLongSilentAnswer_outlivesTheDeadline_overHttp2_andTheIdleConnectionIsThenClosed() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            var closed = new java.util.concurrent.CompletableFuture<Long>();
            long[] answeredAt = new long[1];
            String body = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.gateway().port())
                            .setURI("/v1/chat/completions").putHeader("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                            .putHeader("content-type", "application/json"))
                    .compose(req -> {
                        req.connection().closeHandler(v -> closed.complete(System.nanoTime()));
                        return req.send(chat("[sim latency_ms=1200] slow", false));
                    })
                    .compose(resp -> {
                        assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
                        assertThat(resp.statusCode()).isEqualTo(200);
                        return resp.body();
                    })
                    .map(b -> {
                        answeredAt[0] = System.nanoTime();
                        return b.toString();
                    })
                    .await(10, TimeUnit.SECONDS);
            assertThat(body).contains("slow");
            long idleMs = TimeUnit.NANOSECONDS.toMillis(closed.get(10, TimeUnit.SECONDS) - answeredAt[0]);
            assertThat(idleMs).isGreaterThanOrEqualTo(IDLE.toMillis() - 100);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpgradedConnection_h2c_keepsTheHttp2Rules() throws Exception {
        // the JDK client asks for HTTP/2 by an Upgrade header on cleartext: the connection starts as HTTP/1.1
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 2; i++) {
            var r = h2.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/chat/completions")))
                    .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat("[sim latency_ms=1200] slow " + i, false))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(r.body()).contains("slow " + i);
        }
    }

    /** One HTTP/1.1 response with a content-length body. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed in the head: " + head);
            head.append((char) b);
        }
        int length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElseThrow();
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
