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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole gateway in process on a free loopback port, with a fixed master key, a private data
 * dir and (optionally) a config file, for component tests. The loopback guard is on. The config
 * file is written outside the data dir, so a scan of the data dir sees only what the gateway
 * wrote there. What the gateway prints on stdout is kept for {@link #stdout()}.
 */
public final class GatewayFixture implements AutoCloseable {

    public static final String MASTER_KEY = "sk-sb-test-master-0123456789abcdefghijklmnop";

    private final Gateway gateway;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Path configDir;
    private final ByteArrayOutputStream stdout;
    private volatile String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(Gateway gateway, Path dataDir, boolean ownsDataDir, Path configDir, ByteArrayOutputStream stdout, String adminKey) {
        this.gateway = gateway;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.configDir = configDir;
        this.stdout = stdout;
        this.adminKey = adminKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> env = new HashMap<>();
        private String config;
        private long pingMs = 15_000;
        private Duration clientIdle = dev.switchboard.transport.ClientDeadlines.DEFAULT;
        private Path dataDir;
        private String masterKey = MASTER_KEY;
        private String adminKey;
        private Clock clock = Clock.systemUTC();

        public Builder config(String yaml) {
            this.config = yaml;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** The clock of everything that decides by time (circuits, keys' expiry); tests move it instead of sleeping. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How long a client connection may hold still (between requests, or inside a request it is sending). */
        public Builder clientIdle(Duration deadline) {
            this.clientIdle = deadline;
            return this;
        }

        public Builder pingMs(long ms) {
            this.pingMs = ms;
            return this;
        }

        /** A data dir of the caller's, kept on close: to start again over the same files, or to share them. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * The {@code MASTER_KEY} setting; null leaves it unset, so the store's master key is used
         * (or one is generated and printed). The helpers then send {@link #adminKey}, else the
         * key this start printed.
         */
        public Builder masterKey(String key) {
            this.masterKey = key;
            return this;
        }

        /** The key the request helpers send when no authorization header is given. */
        public Builder adminKey(String key) {
            this.adminKey = key;
            return this;
        }

        public GatewayFixture start() {
            Path dir = null;
            Path configDir = null;
            try {
                dir = dataDir != null ? dataDir : Files.createTempDirectory("switchboard-test");
                Map<String, String> all = new HashMap<>(env);
                all.put("PORT", "0");
                all.put("HOST", "127.0.0.1");
                if (masterKey != null) all.putIfAbsent("MASTER_KEY", masterKey);
                all.put("SWITCHBOARD_DATA_DIR", dir.toString());
                all.putIfAbsent("LOG_FORMAT", "text");
                all.putIfAbsent("LOG_LEVEL", "warn");
                if (config != null) {
                    configDir = Files.createTempDirectory("switchboard-config");
                    Path file = configDir.resolve("switchboard.yaml");
                    Files.writeString(file, config);
                    all.put("SWITCHBOARD_CONFIG", file.toString());
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Gateway.Options options = new Gateway.Options(pingMs, new PrintStream(out, true, StandardCharsets.UTF_8),
                        clock, 2, new LoopbackGuard(true), Duration.ofMillis(100), clientIdle);
                Gateway gateway = Gateway.start(Settings.fromEnv(all), options);
                String admin = adminKey != null ? adminKey : all.containsKey("MASTER_KEY") ? all.get("MASTER_KEY") : printedMasterKey(out);
                return new GatewayFixture(gateway, dir, dataDir == null, configDir, out, admin);
            } catch (IOException | RuntimeException e) {
                if (dataDir == null) deleteQuietly(dir);
                deleteQuietly(configDir);
                if (e instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e);
            }
        }
    }

    private static String printedMasterKey(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("Master key: "))
                .map(l -> l.substring("Master key: ".length()))
                .findFirst().orElse(null);
    }

    /** Forgets what routing learned (open circuits, cooldowns, load), so one test's faults do not steer the next. */
    public void resetRouting() {
        gateway.health().reset().await();
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Everything the gateway printed on stdout so far. */
    public String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    /** The key the request helpers send by default (the master key in force). */
    public String adminKey() {
        return adminKey;
    }

    /** Sends {@code key} by default from now on: for a master key another instance printed. */
    public GatewayFixture useAdminKey(String key) {
        this.adminKey = key;
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    /** The official OpenAI SDK pointed at the gateway, with SDK retries off so every status is seen as sent. */
    public OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(url("/v1")).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    public OpenAIClient openai() {
        return openai(adminKey);
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

    public HttpResponse<String> patch(String path, String body, String... headers) {
        return request("PATCH", path, body, headers);
    }

    public HttpResponse<String> put(String path, String body, String... headers) {
        return request("PUT", path, body, headers);
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE(), headers);
    }

    /** A one-message chat completion for {@code model}, sent with {@code key}. */
    public HttpResponse<String> chat(String key, String model) {
        return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + key);
    }

    /** Sends with the given header pairs, and the master key unless an authorization header is among them. */
    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
        boolean auth = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            auth |= headers[i].equalsIgnoreCase("authorization");
        }
        if (!auth && adminKey != null) b.header("authorization", "Bearer " + adminKey);
        return send(b.timeout(Duration.ofSeconds(20)).build());
    }

    /** Opens a stream with the master key: the answer's body as a live input stream. */
    public HttpResponse<java.io.InputStream> openStream(String path, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + MASTER_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The non-empty lines of a stream, read to its end. */
    public static java.util.List<String> lines(HttpResponse<java.io.InputStream> r) throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) if (!l.isEmpty()) out.add(l);
        }
        return out;
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
        if (ownsDataDir) deleteQuietly(dataDir);
        deleteQuietly(configDir);
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
