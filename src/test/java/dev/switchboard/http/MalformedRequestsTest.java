package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP/1.1 decoder cannot read get the error shape and a request id like every other
 * error, then the connection closes; the server goes on serving.
 */
class MalformedRequestsTest {

    static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** Sends raw bytes and reads everything until the server closes: the whole answer. */
    static String exchange(String raw) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // returns only once the server closes
        }
    }

    static void assertError(String answer, int status, String code) throws IOException {
        assertThat(answer).startsWith("HTTP/1.");
        assertThat(answer.substring(9, 12)).isEqualTo(Integer.toString(status));
        assertThat(answer).containsPattern("(?i)\r\nx-request-id: req_[0-9a-f]{24}\r\n").containsIgnoringCase("\r\ncontent-type: application/json")
                .containsPattern("(?i)\r\nx-switchboard-overhead-ms: \\d+\\.\\d{3}\r\n");
        JsonNode body = Json.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(body.at("/error/code").asText()).isEqualTo(code);
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aRequestLineTooLong_is414() throws Exception {
        assertError(exchange("GET /v1/models?q=" + "a".repeat(10_000) + " HTTP/1.1\r\nhost: x\r\n\r\n"), 414, "uri_too_long");
    }

    @Test
    void headersTooLarge_are431() throws Exception {
        assertError(exchange("GET /v1/models HTTP/1.1\r\nhost: x\r\nx-big: " + "a".repeat(10_000) + "\r\n\r\n"), 431, "headers_too_large");
    }

    @Test
    void aMalformedHeader_is400_withoutEchoingItsValue() throws Exception {
        String key = "sk-sb-secretValue0123456789abcdefghijklmnopqrstu";
        String answer = exchange("GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer " + key + "\rX\r\n\r\n");
        assertError(answer, 400, "invalid_request");
        assertThat(answer).doesNotContain("secretValue").doesNotContain("Bearer");
    }

    @Test
    void brokenFraming_is400_andTheServerGoesOn() throws Exception {
        assertError(exchange("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n"), 400, "invalid_request");
        assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
    }
}
