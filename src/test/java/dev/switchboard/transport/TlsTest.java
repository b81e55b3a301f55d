package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.app.Gateway;
import dev.switchboard.app.Settings;
import dev.switchboard.app.SettingsException;
import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS both ways: the gateway serves HTTPS with HTTP/2 by ALPN from {@code TLS_CERT_FILE} and
 * {@code TLS_KEY_FILE}; towards an HTTPS upstream it negotiates HTTP/2 by ALPN and trusts an
 * extra CA from {@code UPSTREAM_CA_FILE} — and refuses the same upstream without it.
 */
class TlsTest {

    static Vertx vertx;
    static HttpServer upstream;
    static SelfSignedCertificate cert;
    static final List<HttpVersion> upstreamVersions = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startUpstream() throws Exception {
        vertx = Vertx.vertx();
        cert = SelfSignedCertificate.create("localhost");
        upstream = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setKeyCertOptions(cert.keyCertOptions()))
                .requestHandler(req -> {
                    upstreamVersions.add(req.version());
                    req.response().putHeader("content-type", "application/json").end("""
                            {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                            "message":{"role":"assistant","content":"over tls"},"finish_reason":"stop"}],
                            "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String config() {
        return """
                models:
                  tls:
                    - { provider: openai-compatible, upstreamModel: m, baseUrl: "https://localhost:%d/v1" }
                """.formatted(upstream.actualPort());
    }

    static final String CHAT = "{\"model\":\"tls\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void upstreamHttps_withExtraCa_negotiatesHttp2() {
        try (GatewayFixture gw = GatewayFixture.builder().env("UPSTREAM_CA_FILE", cert.certificatePath()).config(config()).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("over tls");
            assertThat(upstreamVersions.getLast()).isEqualTo(HttpVersion.HTTP_2);
        }
    }

    @Test
    void upstreamHttps_untrustedCertificate_isRefused() {
        try (GatewayFixture gw = GatewayFixture.builder().config(config()).start()) {
            HttpResponse<String> r = gw.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(502);
        }
    }

    @Test
    void serverHttps_servesHttp2ByAlpn() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-tls");
        try (Gateway gw = Gateway.start(Settings.fromEnv(httpsEnv(dir, cert.privateKeyPath())), quietOptions())) {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {}

                public void checkServerTrusted(X509Certificate[] c, String a) {}

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gw.port() + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("tls", "demo"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).contains("\"content\":\"hi\"");
        }
    }

    @Test
    void serverHttps_aKeyThatIsNotTheCertificates_orNoPem_stopsTheStart_namingTheVariable() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-tls");
        SelfSignedCertificate other = SelfSignedCertificate.create("localhost");
        Path notPem = Files.writeString(dir.resolve("key.txt"), "not a key");
        Map<String, String> env = httpsEnv(dir, other.privateKeyPath());
        Gateway.Options options = quietOptions();

        assertThatThrownBy(() -> Gateway.start(Settings.fromEnv(env), options)).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("TLS_KEY_FILE is not the private key of the certificate in TLS_CERT_FILE");
        env.put("TLS_KEY_FILE", notPem.toString());
        assertThatThrownBy(() -> Gateway.start(Settings.fromEnv(env), options)).isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("TLS_CERT_FILE and TLS_KEY_FILE must be a PEM certificate and its PEM private key");
    }

    /** The settings of a gateway serving HTTPS with this test's certificate and the key at {@code keyPath}. */
    private static Map<String, String> httpsEnv(Path dataDir, String keyPath) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("MASTER_KEY", GatewayFixture.MASTER_KEY);
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        env.put("TLS_CERT_FILE", cert.certificatePath());
        env.put("TLS_KEY_FILE", keyPath);
        return env;
    }

    private static Gateway.Options quietOptions() {
        return new Gateway.Options(15_000, new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC(), 1, new LoopbackGuard(true),
                java.time.Duration.ofSeconds(1), dev.switchboard.transport.ClientDeadlines.DEFAULT);
    }
}
