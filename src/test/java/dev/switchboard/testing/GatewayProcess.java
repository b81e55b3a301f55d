package dev.switchboard.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The packaged jar run as a real process on a free port, for the integration tests (failsafe). */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dataDir;

    private GatewayProcess(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts {@code target/switchboard.jar} (or {@code -Dswitchboard.jar}) with these settings on top of a port, host and data dir of its own. */
    public static GatewayProcess start(Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));
        if (!Files.exists(jar)) throw new IllegalStateException("no packaged jar at " + jar + " (integration tests run after package)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("switchboard-it");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(data.resolve("out.log").toFile());
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("SWITCHBOARD_DATA_DIR", data.toString());
        pb.environment().put("LOG_FORMAT", "text");
        pb.environment().putAll(env);
        return new GatewayProcess(pb.start(), port, data);
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** What the process printed so far. */
    public String output() throws IOException {
        return Files.readString(dataDir.resolve("out.log"));
    }

    /** Waits (at most 30 s) until readiness answers 200. */
    public GatewayProcess awaitReady(HttpClient http) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/health/ready"))).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return this;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("not ready after 30 s: " + output());
            LockSupport.parkNanos(20_000_000);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
