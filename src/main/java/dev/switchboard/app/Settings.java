package dev.switchboard.app;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The environment settings of CONTRACT.md, validated once at start. A bad value throws
 * {@link SettingsException} naming the variable; nothing is clamped silently.
 *
 * @param env the whole environment, kept for provider keys and {@code ${VAR}} expansion
 */
public record Settings(
        String host,
        int port,
        Optional<String> masterKey,
        Optional<String> databaseUrl,
        Optional<URI> redisUrl,
        Optional<String> encryptionKeys,
        Optional<Path> configFile,
        Path dataDir,
        long maxBodyBytes,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsKeyFile,
        List<String> corsOrigins,
        Optional<URI> httpsProxy,
        List<String> noProxy,
        Optional<Path> upstreamCaFile,
        int upstreamMaxConnections,
        Optional<String> metricsToken,
        int shutdownGraceSeconds,
        String logFormat,
        String logLevel,
        Map<String, String> env) {

    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
    /**
     * HTTP/1.1 connections to one upstream host, for the whole instance: a local server (vLLM,
     * Ollama) holds a connection per stream, and DESIGN's 5,000 concurrent streams must not wait
     * for one. Shared out among the event loops, each of which has its own pool.
     */
    public static final int DEFAULT_UPSTREAM_MAX_CONNECTIONS = 8192;

    public static Settings fromEnv(Map<String, String> env) {
        return new Reader(env).read();
    }

    /** The value of a provider variable such as {@code OPENAI_API_KEY}, when set and not blank. */
    public Optional<String> providerVar(String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private record Reader(Map<String, String> env) {

        Settings read() {
            Optional<String> masterKey = opt("MASTER_KEY");
            masterKey.ifPresent(k -> {
                if (k.length() < 32) fail("MASTER_KEY", "must be at least 32 characters (it has " + k.length() + ")");
                if (k.chars().anyMatch(Character::isWhitespace)) fail("MASTER_KEY", "must not contain whitespace");
            });
            Optional<Path> cert = opt("TLS_CERT_FILE").map(v -> readableFile("TLS_CERT_FILE", v));
            Optional<Path> key = opt("TLS_KEY_FILE").map(v -> readableFile("TLS_KEY_FILE", v));
            if (cert.isPresent() != key.isPresent()) {
                fail(cert.isPresent() ? "TLS_KEY_FILE" : "TLS_CERT_FILE", "must be set together with its pair to serve HTTPS");
            }
            Optional<String> databaseUrl = opt("DATABASE_URL").map(this::databaseUrl);
            Optional<String> keyring = opt("ENCRYPTION_KEYS").map(this::keyring);
            return new Settings(
                    opt("HOST").orElse("0.0.0.0"),
                    intIn("PORT", 4000, 0, 65535),
                    masterKey,
                    databaseUrl,
                    opt("REDIS_URL").map(this::redisUrl),
                    keyring,
                    opt("SWITCHBOARD_CONFIG").map(v -> readableFile("SWITCHBOARD_CONFIG", v)),
                    Path.of(opt("SWITCHBOARD_DATA_DIR").orElse("./data")),
                    longIn("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024, 1L << 31),
                    cert,
                    key,
                    list("CORS_ORIGINS").stream().map(this::origin).toList(),
                    opt("HTTPS_PROXY").or(() -> opt("https_proxy")).map(this::proxyUrl),
                    opt("NO_PROXY").or(() -> opt("no_proxy")).map(v -> splitList(v)).orElse(List.of()),
                    opt("UPSTREAM_CA_FILE").map(v -> readableFile("UPSTREAM_CA_FILE", v)),
                    intIn("UPSTREAM_MAX_CONNECTIONS", DEFAULT_UPSTREAM_MAX_CONNECTIONS, 1, 1_000_000),
                    opt("METRICS_TOKEN"),
                    intIn("SHUTDOWN_GRACE_SECONDS", 30, 0, 3600),
                    oneOf("LOG_FORMAT", System.console() != null ? "text" : "json", "text", "json"),
                    oneOf("LOG_LEVEL", "info", "trace", "debug", "info", "warn", "error"),
                    Map.copyOf(env));
        }

        private Optional<String> opt(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        private List<String> list(String name) {
            return opt(name).map(Reader::splitList).orElse(List.of());
        }

        private static List<String> splitList(String v) {
            return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        private int intIn(String name, int dflt, int min, int max) {
            return (int) longIn(name, dflt, min, max);
        }

        private long longIn(String name, long dflt, long min, long max) {
            Optional<String> v = opt(name);
            if (v.isEmpty()) return dflt;
            long n;
            try {
                n = Long.parseLong(v.get());
            } catch (NumberFormatException e) {
                throw fail(name, "must be a whole number, got '" + v.get() + "'");
            }
            if (n < min || n > max) fail(name, "must be between " + min + " and " + max + ", got " + n);
            return n;
        }

        private String oneOf(String name, String dflt, String... allowed) {
            String v = opt(name).map(s -> s.toLowerCase(Locale.ROOT)).orElse(dflt);
            if (!Arrays.asList(allowed).contains(v)) {
                fail(name, "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
            }
            return v;
        }

        private Path readableFile(String name, String v) {
            Path p = Path.of(v);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) fail(name, "names no readable file: " + v);
            return p;
        }

        private String databaseUrl(String v) {
            if (v.startsWith("postgres://") || v.startsWith("postgresql://") || v.startsWith("jdbc:postgresql://")
                    || v.startsWith("sqlite:") || v.startsWith("jdbc:sqlite:")) {
                return v;
            }
            throw fail("DATABASE_URL", "must start with postgres://, postgresql://, jdbc:postgresql:// or sqlite:");
        }

        private URI redisUrl(String v) {
            URI uri = uri("REDIS_URL", v);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                fail("REDIS_URL", "must look like redis://host:6379/0");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (!path.isEmpty() && !path.matches("/\\d{0,9}")) {
                fail("REDIS_URL", "must name its database by number (redis://host:6379/0)");
            }
            return uri;
        }

        private URI proxyUrl(String v) {
            URI uri = uri("HTTPS_PROXY", v.contains("://") ? v : "http://" + v);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                fail("HTTPS_PROXY", "must look like http://host:port");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) fail("HTTPS_PROXY", "port must be 1-65535, got " + uri.getPort());
            return uri;
        }

        private String origin(String v) {
            if (!v.equals("*") && !v.matches("https?://[^/\\s]+")) {
                fail("CORS_ORIGINS", "each origin must be scheme://host[:port] or *, got '" + v + "'");
            }
            return v;
        }

        private String keyring(String v) {
            try {
                dev.switchboard.secrets.Keyring.parse(v);
            } catch (dev.switchboard.secrets.SecretException e) {
                fail("ENCRYPTION_KEYS", e.getMessage());
            }
            return v;
        }

        private static URI uri(String name, String v) {
            try {
                return URI.create(v);
            } catch (IllegalArgumentException e) {
                throw fail(name, "is not a valid URL (value not shown: it may hold a password)");
            }
        }

        private static SettingsException fail(String name, String problem) {
            throw new SettingsException(name + " " + problem);
        }
    }
}
