package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar's commands, run as real processes. */
class CliIT {

    static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    record Run(int exit) {}

    static Process start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out-" + System.nanoTime() + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.equals("MASTER_KEY") || k.equals("SWITCHBOARD_CONFIG") || k.equals("PORT"));
        pb.environment().put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        Process p = start(dir, env, args);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue());
    }

    static String log(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("out-")).sorted().toList()) {
                out.append(Files.readString(f));
                Files.delete(f);
            }
        }
        return out.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void version_printsTheVersion() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        assertThat(run(dir, Map.of(), "version").exit()).isZero();
        assertThat(log(dir)).startsWith("switchboard ");
    }

    @Test
    void configCheck_acceptsAGoodFileAndNamesTheBadEntry() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        Files.writeString(dir.resolve("good.yaml"), "models:\n  m:\n    - { provider: ollama, upstreamModel: llama3 }\n");
        Files.writeString(dir.resolve("bad.yaml"), "models:\n  m:\n    - { provider: ollama, upstreamModel: llama3, weight: -1 }\n");
        assertThat(run(dir, Map.of(), "config", "check", "good.yaml").exit()).isZero();
        assertThat(log(dir)).contains("OK").contains("1 deployments");
        assertThat(run(dir, Map.of(), "config", "check", "bad.yaml").exit()).isEqualTo(1);
        assertThat(log(dir)).contains("models.m[0].weight");
    }

    @Test
    void badSetting_stopsStartNamingIt() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        assertThat(run(dir, Map.of("MASTER_KEY", "too-short")).exit()).isEqualTo(2);
        assertThat(log(dir)).contains("MASTER_KEY").contains("32");
        assertThat(run(dir, Map.of("PORT", "http")).exit()).isEqualTo(2);
        assertThat(log(dir)).contains("PORT");
    }

    @Test
    void firstStart_printsMasterKeyOnce_andItWorks() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        HttpClient http = HttpClient.newHttpClient();
        String key = null;
        for (int round = 0; round < 2; round++) {
            int port = freePort();
            Process p = start(dir, Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1"));
            try {
                awaitReady(http, port);
                String out = log(dir);
                if (round == 0) {
                    assertThat(out).containsOnlyOnce("Master key: ");
                    key = out.lines().filter(l -> l.startsWith("Master key: ")).findFirst().orElseThrow().substring(12).trim();
                    assertThat(key).matches("sk-sb-master-[0-9A-Za-z]{43}");
                } else {
                    assertThat(out).doesNotContain("Master key: ");
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"content\":\"hello\"");
            } finally {
                p.destroy();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
        }
        // only its hash is kept: no file of the data dir (the SQLite store, its WAL, the keyring) holds the key
        final String printed = key;
        try (var files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(printed);
            }
        }
        assertThat(dir.resolve("data/switchboard.db")).exists();
    }

    @Test
    void storeCommands_fromTheJar_shareOneDataDir_andKeepStdoutForTheirOutput() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        assertThat(run(dir, Map.of(), "migrate").exit()).isZero();
        assertThat(log(dir)).startsWith("Store at sqlite:").contains("schema version");
        assertThat(run(dir, Map.of(), "keys", "create", "--name", "ci").exit()).isZero();
        String created = log(dir);
        assertThat(created).containsPattern("(?m)^Key ci: sk-sb-[0-9A-Za-z]{43}$").containsPattern("(?m)^Id: key_");
        assertThat(run(dir, Map.of(), "deployments", "add", "--model", "m", "--provider", "simulator", "--upstream-model", "simulator-echo")
                .exit()).isZero();
        assertThat(log(dir)).startsWith("Added deployment dep_");
        assertThat(run(dir, Map.of(), "keys", "list").exit()).isZero();
        assertThat(log(dir)).contains("ci").contains("active");
        assertThat(run(dir, Map.of(), "deployments", "add", "--model", "m", "--provider", "nope", "--upstream-model", "x").exit())
                .isEqualTo(1);
        assertThat(log(dir)).startsWith("switchboard: --provider:");
        assertThat(run(dir, Map.of(), "encryption", "rotate").exit()).isZero();
        assertThat(run(dir, Map.of(), "keys").exit()).isEqualTo(2);
        // no pool or migration chatter: at the default level the commands log nothing
        assertThat(log(dir) + created).doesNotContain("INFO").doesNotContain("Hikari").doesNotContain("Flyway");
    }

    @Test
    void simulate_servesTheOpenAiFormat() throws Exception {
        Path dir = Files.createTempDirectory("sb-cli");
        int port = freePort();
        Process p = start(dir, Map.of(), "simulate", "--port", Integer.toString(port));
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            HttpResponse<String> r = null;
            while (r == null) {
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) throw e;
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                }
            }
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"content\":\"a b\"").contains("\"prompt_tokens\":8");
            assertThat(log(dir)).contains("Simulator listening on http://127.0.0.1:" + port + "/v1");
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(HttpClient http, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }
}
