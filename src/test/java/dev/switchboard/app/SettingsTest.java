package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

    private static final String MASTER = "sk-master-0123456789abcdef0123456789";

    @TempDir
    static Path dir;

    private static Path file(String name) {
        try {
            Path p = dir.resolve(name);
            if (!Files.exists(p)) Files.writeString(p, "x");
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String b64(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    @Test
    void fromEnv_empty_givesDefaults() {
        Settings s = Settings.fromEnv(Map.of());
        assertThat(s.port()).isEqualTo(4000);
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.maxBodyBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(s.shutdownGraceSeconds()).isEqualTo(30);
        assertThat(s.upstreamMaxConnections()).isEqualTo(8192);
        assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(s.logLevel()).isEqualTo("info");
        assertThat(s.logFormat()).isIn("text", "json");
        assertThat(s.masterKey()).isEmpty();
        assertThat(s.databaseUrl()).isEmpty();
        assertThat(s.redisUrl()).isEmpty();
        assertThat(s.configFile()).isEmpty();
        assertThat(s.tlsCertFile()).isEmpty();
        assertThat(s.corsOrigins()).isEmpty();
        assertThat(s.noProxy()).isEmpty();
    }

    @Test
    void fromEnv_blankValues_countAsUnset() {
        Settings s = Settings.fromEnv(Map.of("PORT", "  ", "MASTER_KEY", "", "LOG_LEVEL", " "));
        assertThat(s.port()).isEqualTo(4000);
        assertThat(s.masterKey()).isEmpty();
        assertThat(s.logLevel()).isEqualTo("info");
    }

    @Test
    void fromEnv_validValues_areRead() {
        Map<String, String> env = new HashMap<>();
        env.put("HOST", "127.0.0.1");
        env.put("PORT", " 8080 ");
        env.put("MASTER_KEY", MASTER);
        env.put("DATABASE_URL", "postgresql://db:5432/sb");
        env.put("REDIS_URL", "rediss://cache:6380/1");
        env.put("ENCRYPTION_KEYS", "k1:" + b64(32) + ", k2:" + Base64.getUrlEncoder().encodeToString(new byte[32]).replace('A', '-'));
        env.put("SWITCHBOARD_CONFIG", file("switchboard.yaml").toString());
        env.put("SWITCHBOARD_DATA_DIR", "/var/lib/sb");
        env.put("MAX_BODY_BYTES", "1024");
        env.put("TLS_CERT_FILE", file("cert.pem").toString());
        env.put("TLS_KEY_FILE", file("key.pem").toString());
        env.put("CORS_ORIGINS", "https://app.example.com, http://localhost:3000,*");
        env.put("HTTPS_PROXY", "proxy.corp:3128");
        env.put("NO_PROXY", "localhost, .internal");
        env.put("SHUTDOWN_GRACE_SECONDS", "0");
        env.put("UPSTREAM_MAX_CONNECTIONS", "100000");
        env.put("LOG_FORMAT", "TEXT");
        env.put("LOG_LEVEL", "Debug");
        env.put("OPENAI_API_KEY", " sk-x ");
        Settings s = Settings.fromEnv(env);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.masterKey()).contains(MASTER);
        assertThat(s.databaseUrl()).contains("postgresql://db:5432/sb");
        assertThat(s.redisUrl()).contains(URI.create("rediss://cache:6380/1"));
        assertThat(s.encryptionKeys()).isPresent();
        assertThat(s.configFile()).contains(file("switchboard.yaml"));
        assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/sb"));
        assertThat(s.maxBodyBytes()).isEqualTo(1024);
        assertThat(s.tlsCertFile()).contains(file("cert.pem"));
        assertThat(s.tlsKeyFile()).contains(file("key.pem"));
        assertThat(s.corsOrigins()).containsExactly("https://app.example.com", "http://localhost:3000", "*");
        assertThat(s.httpsProxy()).contains(URI.create("http://proxy.corp:3128"));
        assertThat(s.noProxy()).containsExactly("localhost", ".internal");
        assertThat(s.shutdownGraceSeconds()).isZero();
        assertThat(s.upstreamMaxConnections()).isEqualTo(100_000);
        assertThat(s.logFormat()).isEqualTo("text");
        assertThat(s.logLevel()).isEqualTo("debug");
        assertThat(s.providerVar("OPENAI_API_KEY")).contains("sk-x");
        assertThat(s.providerVar("GROQ_API_KEY")).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("MASTER_KEY", "too-short"), "MASTER_KEY"),
                Arguments.of(Map.of("MASTER_KEY", "x".repeat(31)), "MASTER_KEY"),
                Arguments.of(Map.of("MASTER_KEY", "x".repeat(20) + " " + "x".repeat(20)), "MASTER_KEY"),
                Arguments.of(Map.of("PORT", "abc"), "PORT"),
                Arguments.of(Map.of("PORT", "70000"), "PORT"),
                Arguments.of(Map.of("PORT", "-1"), "PORT"),
                Arguments.of(Map.of("MAX_BODY_BYTES", "-1"), "MAX_BODY_BYTES"),
                Arguments.of(Map.of("MAX_BODY_BYTES", "20MB"), "MAX_BODY_BYTES"),
                Arguments.of(Map.of("SHUTDOWN_GRACE_SECONDS", "3601"), "SHUTDOWN_GRACE_SECONDS"),
                Arguments.of(Map.of("UPSTREAM_MAX_CONNECTIONS", "0"), "UPSTREAM_MAX_CONNECTIONS"),
                Arguments.of(Map.of("LOG_LEVEL", "loud"), "LOG_LEVEL"),
                Arguments.of(Map.of("LOG_FORMAT", "xml"), "LOG_FORMAT"),
                Arguments.of(Map.of("DATABASE_URL", "mysql://x"), "DATABASE_URL"),
                Arguments.of(Map.of("REDIS_URL", "http://x"), "REDIS_URL"),
                Arguments.of(Map.of("REDIS_URL", "redis://"), "REDIS_URL"),
                Arguments.of(Map.of("REDIS_URL", "redis://bad host"), "REDIS_URL"),
                Arguments.of(Map.of("REDIS_URL", "redis://127.0.0.1:6379/abc"), "REDIS_URL"),
                Arguments.of(Map.of("ENCRYPTION_KEYS", "k1:" + b64(16)), "ENCRYPTION_KEYS"),
                Arguments.of(Map.of("ENCRYPTION_KEYS", "k1:" + b64(32) + ",k2:" + b64(16)), "ENCRYPTION_KEYS"),
                Arguments.of(Map.of("ENCRYPTION_KEYS", b64(32)), "ENCRYPTION_KEYS"),
                Arguments.of(Map.of("ENCRYPTION_KEYS", "k1:abc"), "ENCRYPTION_KEYS"),
                Arguments.of(Map.of("CORS_ORIGINS", "https://app.example.com/path"), "CORS_ORIGINS"),
                Arguments.of(Map.of("HTTPS_PROXY", "socks5://proxy:1080"), "HTTPS_PROXY"),
                Arguments.of(Map.of("HTTPS_PROXY", "http://127.0.0.1:99999"), "HTTPS_PROXY"),
                Arguments.of(Map.of("SWITCHBOARD_CONFIG", "/definitely/not/here.yaml"), "SWITCHBOARD_CONFIG"),
                Arguments.of(Map.of("UPSTREAM_CA_FILE", "/definitely/not/here.pem"), "UPSTREAM_CA_FILE"),
                Arguments.of(Map.of("TLS_CERT_FILE", "/definitely/not/here.pem"), "TLS_CERT_FILE"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badValues")
    void fromEnv_badValue_throwsNamingTheVariable(Map<String, String> env, String variable) {
        Throwable e = catchThrowable(() -> Settings.fromEnv(env));
        assertThat(e).isInstanceOf(SettingsException.class);
        assertThat(e.getMessage()).startsWith(variable + " ");
    }

    @Test
    void fromEnv_tlsCertWithoutKey_namesTheMissingKeyFile() {
        Throwable e = catchThrowable(() -> Settings.fromEnv(Map.of("TLS_CERT_FILE", file("only-cert.pem").toString())));
        assertThat(e).isInstanceOf(SettingsException.class);
        assertThat(e.getMessage()).startsWith("TLS_KEY_FILE ");
    }

    @Test
    void fromEnv_tlsKeyWithoutCert_namesTheMissingCertFile() {
        Throwable e = catchThrowable(() -> Settings.fromEnv(Map.of("TLS_KEY_FILE", file("only-key.pem").toString())));
        assertThat(e).isInstanceOf(SettingsException.class);
        assertThat(e.getMessage()).startsWith("TLS_CERT_FILE ");
    }

    @Test
    void fromEnv_configNamingADirectory_isRefused() {
        Throwable e = catchThrowable(() -> Settings.fromEnv(Map.of("SWITCHBOARD_CONFIG", dir.toString())));
        assertThat(e).isInstanceOf(SettingsException.class).hasMessageStartingWith("SWITCHBOARD_CONFIG ");
    }

    @Test
    void fromEnv_portBounds_areInclusive() {
        assertThat(Settings.fromEnv(Map.of("PORT", "0")).port()).isZero();
        assertThat(Settings.fromEnv(Map.of("PORT", "65535")).port()).isEqualTo(65535);
    }

    @Test
    void fromEnv_acceptedDatabaseUrlSchemes() {
        for (String url : List.of("postgres://u@h/db", "postgresql://h/db", "jdbc:postgresql://h/db", "sqlite:./sb.db", "jdbc:sqlite:sb.db")) {
            assertThat(Settings.fromEnv(Map.of("DATABASE_URL", url)).databaseUrl()).contains(url);
        }
    }
}
