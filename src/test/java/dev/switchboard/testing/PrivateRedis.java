package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import redis.embedded.RedisServer;

/**
 * A Redis of the test's own, for tests that take Redis away: always embedded-redis (Redis 6.2
 * from the artifact) on a free loopback port, never the shared server on 6379. No persistence:
 * a restart comes back empty, as a Redis without a disk would. {@link #stop()} returns once the
 * port refuses connections; {@link #restart()} starts a new server on the same port, so a client
 * keeps its URL.
 */
public final class PrivateRedis implements AutoCloseable {

    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    private final int port;
    private final Thread shutdownHook = new Thread(this::close, "private-redis-closer");
    private RedisServer server; // guarded by this; null while stopped
    private boolean closed; // guarded by this

    private PrivateRedis(int port) {
        this.port = port;
    }

    public static PrivateRedis start() {
        PrivateRedis redis = new PrivateRedis(freePort());
        Runtime.getRuntime().addShutdownHook(redis.shutdownHook);
        redis.launch();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}: the gateway's {@code REDIS_URL}; valid across stop and restart. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the server and returns once its port refuses connections. */
    public synchronized void stop() {
        if (server == null) return;
        RedisServer running = server;
        server = null;
        try {
            running.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Await.until(() -> !RespClient.accepts(port), STOP_LIMIT)) {
            throw new IllegalStateException("embedded Redis still accepts connections on port " + port + " after stop");
        }
    }

    /** Starts a server again on the same port (stopping the running one first). */
    public synchronized void restart() {
        if (closed) throw new IllegalStateException("closed");
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
    }

    private synchronized void launch() {
        try {
            RedisServer s = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            s.start();
            server = s;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("embedded Redis did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
