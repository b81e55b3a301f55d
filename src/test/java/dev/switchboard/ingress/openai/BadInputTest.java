package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and invalid requests get the contract's 4xx with {@code param} naming the field,
 * nothing reaches the provider, and the server keeps serving good requests alongside them.
 */
class BadInputTest extends SimulatorBackedTest {


    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().env("MAX_BODY_BYTES", "4096").config("""
                models:
                  sim:
                    - { provider: openai-compatible, upstreamModel: up, baseUrl: %s }
                """.formatted(sim.baseUrl())).start();
    }



    record Case(String name, byte[] body, int status, String code, String param) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case bad(String name, String body, String param) {
        return new Case(name, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), 400, "invalid_request", param);
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
                bad("malformed JSON", "{\"model\":\"sim\",\"messages\":[", null),
                bad("empty body", "", null),
                bad("not an object", "[1,2,3]", null),
                bad("trailing garbage", "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} }x", null),
                bad("missing model", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
                bad("model of wrong type", "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
                bad("missing messages", "{\"model\":\"sim\"}", "messages"),
                bad("messages not an array", "{\"model\":\"sim\",\"messages\":\"hi\"}", "messages"),
                bad("empty messages", "{\"model\":\"sim\",\"messages\":[]}", "messages"),
                bad("bad role", "{\"model\":\"sim\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role"),
                bad("content of wrong type", "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content"),
                bad("temperature as text", "{\"model\":\"sim\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "temperature"),
                bad("stream as text", "{\"model\":\"sim\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "stream"),
                bad("max_tokens zero", "{\"model\":\"sim\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"),
                bad("tool message without id", "{\"model\":\"sim\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id"),
                new Case("invalid UTF-8", new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        400, "invalid_request", null),
                new Case("overlong UTF-8 (C0 AF for '/')", withContent(new byte[] {(byte) 0xC0, (byte) 0xAF}), 400, "invalid_request", null),
                new Case("UTF-8 past U+10FFFF", withContent(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), 400, "invalid_request", null),
                new Case("UTF-16LE", "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_16LE), 400, "invalid_request", null),
                new Case("unknown model", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(),
                        404, "model_not_found", "model"),
                new Case("oversize body", ("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}").getBytes(),
                        413, "request_too_large", null));
        return cases.stream().map(Arguments::of);
    }

    /** A good request whose message content is {@code raw} bytes. */
    static byte[] withContent(byte[] raw) {
        byte[] head = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"a".getBytes();
        byte[] tail = "\"}]}".getBytes();
        byte[] out = java.util.Arrays.copyOf(head, head.length + raw.length + tail.length);
        System.arraycopy(raw, 0, out, head.length, raw.length);
        System.arraycopy(tail, 0, out, head.length + raw.length, tail.length);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequest_getsContractErrorAndNeverReachesProvider(Case c) throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", HttpRequest.BodyPublishers.ofByteArray(c.body()));
        assertThat(r.statusCode()).isEqualTo(c.status());
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        JsonNode err = Json.parse(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo(c.code());
        assertThat(err.get("type").asText()).isEqualTo(c.status() == 404 || c.status() == 400 || c.status() == 413 ? "invalid_request_error" : "");
        assertThat(err.get("message").asText()).isNotBlank();
        if (c.param() == null) assertThat(err.get("param").isNull()).isTrue();
        else assertThat(err.get("param").asText()).isEqualTo(c.param());
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void aCompressedBody_is415_sayingToSendItUncompressed() throws Exception {
        var gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes());
        }
        HttpResponse<String> r = gw.post("/v1/chat/completions", HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()), "content-encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("accept-encoding")).hasValue("identity");
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("unsupported_media_type");
        assertThat(Json.parse(r.body()).at("/error/message").asText()).contains("gzip");
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void aForm_is415_namingTheJsonItWants() throws Exception {
        HttpResponse<String> r = gw.http().send(HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/chat/completions")))
                .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                .header("content-type", "multipart/form-data; boundary=XyZ")
                .POST(HttpRequest.BodyPublishers.ofString("--XyZ\r\ncontent-disposition: form-data; name=\"model\"\r\n\r\nsim\r\n--XyZ--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(Json.parse(r.body()).at("/error/message").asText()).contains("application/json").contains("multipart/form-data");
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void jsonSentAsAForm_isServed_whateverItsSizeOrPercentSigns() throws Exception {
        // curl -d sends application/x-www-form-urlencoded; Vert.x decoding that as a form left a
        // body over 1 KB, or one with a stray %, unanswered
        String big = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "100% & more ".repeat(300) + "\"}]}";
        for (String body : List.of(big, "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"50% off\"}]}")) {
            HttpResponse<String> r = gw.http().send(HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/chat/completions")))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Json.parse(r.body()).at("/choices/0/message/content").asText()).startsWith(body.length() > 100 ? "100%" : "50% off");
        }
        HttpResponse<String> form = gw.http().send(HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/chat/completions")))
                .timeout(java.time.Duration.ofSeconds(10))
                .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("model=sim&text=" + "%zz".repeat(500))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).as("a real form, undecodable too: answered").isEqualTo(415);
    }

    @Test
    void oversizeChunkedBody_withoutContentLength_is413() throws Exception {
        byte[] big = ("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(6000) + "\"}]}").getBytes();
        HttpResponse<String> r = gw.post("/v1/chat/completions",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
        assertThat(sim.received()).isEmpty();
        // and a chunked body within the limit is read whole
        byte[] ok = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"chunked fine\"}]}".getBytes();
        HttpResponse<String> good = gw.post("/v1/chat/completions",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(ok)));
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).contains("chunked fine");
    }

    /** What the gateway sends back on a raw connection after the head of a request with {@code Expect: 100-continue}. */
    private static String afterExpectContinue(int contentLength, byte[] bodyWhenInvited) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gw.gateway().port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer " + GatewayFixture.MASTER_KEY
                    + "\r\ncontent-type: application/json\r\ncontent-length: " + contentLength + "\r\nexpect: 100-continue\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            got.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            if (bodyWhenInvited != null && got.toString().startsWith("HTTP/1.1 100")) {
                s.getOutputStream().write(bodyWhenInvited);
                while (!got.toString().contains("\"usage\"") && (n = in.read(buf)) > 0) {
                    got.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return got.toString();
        }
    }

    @Test
    void expectContinue_invitesTheBodyOnce_andABodyTooLargeGetsIts413Uninvited() throws Exception {
        byte[] body = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String ok = afterExpectContinue(body.length, body);
        assertThat(ok.split("HTTP/1.1 100 Continue", -1)).as(ok).hasSize(2);
        assertThat(ok).contains("HTTP/1.1 200 OK");
        String tooLarge = afterExpectContinue(5_000, null);
        assertThat(tooLarge).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
    }

    @Test
    void jsonNestedDeeperThanTheParsersLimit_is400_sayingSo() throws Exception {
        String body = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":"
                + "[".repeat(1200) + "]".repeat(1200) + "}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body()).at("/error/message").asText()).startsWith("The request body is beyond what the JSON parser reads: nested deeper than 1000 levels");
    }

    @Test
    void unknownRoute_is404InOpenAiShape() throws Exception {
        HttpResponse<String> r = gw.post("/v1/does-not-exist", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void missingKey_is401() throws Exception {
        HttpResponse<String> r = gw.http().send(HttpRequest.newBuilder(java.net.URI.create(gw.url("/v1/models"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.parse(r.body()).at("/error/type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void nativeBody_isForwardedByteForByteExceptManagedFields() throws Exception {
        String body = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.10,"
                + "\"x_extra\":{\"z\":1,\"a\":[1e-7,2.50]},\"metadata\":{\"k\":\"v\"}}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        String upstream = sim.last().body();
        assertThat(upstream).startsWith("{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(upstream).contains("\"temperature\":0.10");
        assertThat(upstream).contains("\"x_extra\":{\"z\":1,\"a\":[1E-7,2.50]}");
        assertThat(upstream).contains("\"metadata\":{\"k\":\"v\"}");
    }

    @Test
    void badRequests_interleavedWithGoodUnderConcurrency_serverKeepsServing() throws Exception {
        List<Case> bad = cases().map(a -> (Case) a.get()[0]).toList();
        String good = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"ping pong\"}]}";
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                final int n = i;
                results.add(pool.submit(() -> {
                    if (n % 2 == 0) {
                        HttpResponse<String> r = gw.post("/v1/chat/completions", good);
                        return new int[] {r.statusCode(), 200, r.body().contains("ping pong") ? 1 : 0};
                    }
                    Case c = bad.get(n % bad.size());
                    HttpResponse<String> r = gw.post("/v1/chat/completions", HttpRequest.BodyPublishers.ofByteArray(c.body()));
                    return new int[] {r.statusCode(), c.status(), 1};
                }));
            }
            for (Future<int[]> f : results) {
                int[] r = f.get();
                assertThat(r[0]).isEqualTo(r[1]);
                assertThat(r[2]).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.received()).hasSize(120);
    }
}
