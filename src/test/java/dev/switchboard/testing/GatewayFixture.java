package dev.switchboard.testing;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.app.Gateway;
import dev.switchboard.app.Settings;
import dev.switchboard.transport.LoopbackGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole gateway in process on a free loopback port, with a fixed master key, a private data
 * dir and (optionally) a config file, for component tests. The loopback guard is on.
 */
public final class GatewayFixture implements AutoCloseable {

    public static final String MASTER_KEY = "sk-sb-test-master-0123456789abcdefghijklmnop";

    private final Gateway gateway;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(Gateway gateway, Path dataDir, boolean ownsDataDir) {
        this.gateway = gateway;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> env = new HashMap<>();
        private String config;
        private long pingMs = 15_000;
        private Path dataDir;

        public Builder config(String yaml) {
            this.config = yaml;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder pingMs(long ms) {
            this.pingMs = ms;
            return this;
        }

        /**
         * Uses {@code dir} as {@code SWITCHBOARD_DATA_DIR} (its SQLite store and keyring), so that
         * something else, such as the CLI, can share it; the caller owns it, and close leaves it.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public GatewayFixture start() {
            try {
                Path dir = dataDir != null ? dataDir : Files.createTempDirectory("switchboard-test");
                Map<String, String> all = new HashMap<>(env);
                all.put("PORT", "0");
                all.put("HOST", "127.0.0.1");
                all.putIfAbsent("MASTER_KEY", MASTER_KEY);
                all.put("SWITCHBOARD_DATA_DIR", dir.toString());
                all.putIfAbsent("LOG_FORMAT", "text");
                all.putIfAbsent("LOG_LEVEL", "warn");
                if (config != null) {
                    Path file = dir.resolve("switchboard.yaml");
                    Files.writeString(file, config);
                    all.put("SWITCHBOARD_CONFIG", file.toString());
                }
                Gateway.Options options = new Gateway.Options(pingMs, new PrintStream(new ByteArrayOutputStream()),
                        Clock.systemUTC(), 2, new LoopbackGuard(true), Duration.ofMillis(100));
                return new GatewayFixture(Gateway.start(Settings.fromEnv(all), options), dir, dataDir == null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The gateway's {@code SWITCHBOARD_DATA_DIR}: its SQLite store and keyring, unless DATABASE_URL names another store. */
    public Path dataDir() {
        return dataDir;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    /** The official OpenAI SDK pointed at the gateway, with SDK retries off so every status is seen as sent. */
    public OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(url("/v1")).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    public OpenAIClient openai() {
        return openai(MASTER_KEY);
    }

    public HttpResponse<String> post(String path, String body, String... headers) {
        return post(path, HttpRequest.BodyPublishers.ofString(body), headers);
    }

    public HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(body).header("content-type", "application/json"), headers);
    }

    /** Any method, a JSON body (or null), and the master key unless an authorization header is given. */
    public HttpResponse<String> request(String method, String path, String body, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).method(method, publisher);
        if (body != null) b.header("content-type", "application/json");
        return send(b, headers);
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), headers);
    }

    /** Sends with the given header pairs, and the master key unless an authorization header is among them. */
    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
        boolean auth = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            auth |= headers[i].equalsIgnoreCase("authorization");
        }
        if (!auth) b.header("authorization", "Bearer " + MASTER_KEY);
        return send(b.timeout(Duration.ofSeconds(20)).build());
    }

    public HttpClient http() {
        return http;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        if (!ownsDataDir) return;
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
