package dev.switchboard.testing;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis for tests that need a real one and do not take it away, chosen once per JVM: the
 * shared server on 127.0.0.1:6379 when it answers PING within a second, otherwise an embedded one
 * ({@link PrivateRedis}) reused by every test in the JVM — so no Redis test ever skips. Tests
 * isolate by key namespace: each takes a {@link #freshNamespace()} ({@code sbtest:<16 hex>:}) and
 * puts every key and channel under it; the keys of every namespace this JVM handed out are deleted
 * at exit. {@code -Dswitchboard.test.redis=embedded} forces the embedded server.
 */
public final class TestRedis {

    static final String MODE_PROPERTY = "switchboard.test.redis";
    private static final String HOST = "127.0.0.1";
    private static final int SHARED_PORT = 6379;

    private static TestRedis instance; // guarded by TestRedis.class

    private final int port;
    private final PrivateRedis embedded; // null when the shared server is used
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    private TestRedis(int port, PrivateRedis embedded) {
        this.port = port;
        this.embedded = embedded;
    }

    public static synchronized TestRedis get() {
        if (instance == null) instance = choose();
        return instance;
    }

    private static TestRedis choose() {
        String mode = System.getProperty(MODE_PROPERTY, "auto");
        if (!List.of("auto", "embedded").contains(mode)) {
            throw new IllegalArgumentException(MODE_PROPERTY + " must be auto or embedded, not '" + mode + "'");
        }
        String why = mode.equals("embedded") ? MODE_PROPERTY + "=embedded" : probe();
        if (why == null) {
            System.err.println("TestRedis: using the shared Redis at " + HOST + ":" + SHARED_PORT);
            TestRedis redis = new TestRedis(SHARED_PORT, null);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::deleteAll, "test-redis-cleanup"));
            return redis;
        }
        PrivateRedis embedded = PrivateRedis.start(); // its own hook stops it
        System.err.printf("TestRedis: not using the shared Redis at %s:%d (%s); started an embedded one on port %d%n",
                HOST, SHARED_PORT, why, embedded.port());
        return new TestRedis(embedded.port(), embedded);
    }

    /** Null when the shared server answers PING, else why not. */
    private static String probe() {
        try {
            String reply = RespClient.command(HOST, SHARED_PORT, 1_000, "PING");
            return reply.equals("+PONG") ? null : "PING answered " + reply;
        } catch (IOException e) {
            return e.toString();
        }
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://" + HOST + ":" + port;
    }

    /** A key prefix of this test's own, such as {@code sbtest:0123456789abcdef:}. */
    public String freshNamespace() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        String ns = "sbtest:" + HexFormat.of().formatHex(bytes) + ":";
        namespaces.add(ns);
        return ns;
    }

    /** Deletes every key under the namespaces this JVM handed out (at exit). */
    void deleteAll() {
        for (String ns : namespaces) {
            try {
                delete(ns);
            } catch (IOException e) {
                System.err.println("TestRedis: could not delete the keys under " + ns + ": " + e);
                return;
            }
        }
    }

    /** Deletes every key under one namespace this JVM handed out; returns how many. */
    long delete(String namespace) throws IOException {
        if (!namespaces.contains(namespace)) throw new IllegalArgumentException(namespace + " was not handed out by TestRedis");
        String reply = RespClient.command(HOST, port, 2_000, "EVAL",
                "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', k) end return n",
                "0", namespace + "*");
        if (!reply.startsWith(":")) throw new IOException("deleting " + namespace + "* answered " + reply);
        return Long.parseLong(reply.substring(1));
    }
}
