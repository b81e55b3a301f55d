package dev.switchboard.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PostgreSQL server for tests that need a real one, chosen once per JVM: the shared server on
 * 127.0.0.1:5432 (trust auth, user postgres, database test) when it answers within 2 s, otherwise an
 * embedded one started from Maven artifacts ({@link PrivatePostgres}, which also explains how it
 * runs as root) and reused by every test in the JVM. So a machine without the shared server still
 * runs every Postgres test; none skips. Tests isolate by database, not by server: each takes a
 * {@link #freshDatabase()}, dropped WITH (FORCE) by {@link #dropAll()} or at JVM exit. Nothing here
 * may stop the server; outage tests use PrivatePostgres. {@code -Dswitchboard.test.postgres=embedded}
 * forces the embedded server, to exercise that path on a machine that has the shared one.
 */
public final class TestPostgres {

    static final String MODE_PROPERTY = "switchboard.test.postgres";
    private static final String HOST = "127.0.0.1";
    private static final int SHARED_PORT = 5432;
    private static final String SHARED_DATABASE = "test";
    private static final String USER = "postgres";
    /** WITH (FORCE) on DROP DATABASE arrived in PostgreSQL 13. */
    private static final int MIN_SERVER_VERSION = 130000;
    private static final int PROBE_TIMEOUT_SECONDS = 2;

    private static TestPostgres instance; // guarded by TestPostgres.class

    private final int port;
    private final String adminDatabase;
    private final PrivatePostgres embedded; // null when the shared server is used
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    private TestPostgres(int port, String adminDatabase, PrivatePostgres embedded) {
        this.port = port;
        this.adminDatabase = adminDatabase;
        this.embedded = embedded;
    }

    public static synchronized TestPostgres get() {
        if (instance == null) instance = choose();
        return instance;
    }

    private static TestPostgres choose() {
        String mode = System.getProperty(MODE_PROPERTY, "auto");
        if (!List.of("auto", "embedded").contains(mode)) {
            throw new IllegalArgumentException(MODE_PROPERTY + " must be auto or embedded, not '" + mode + "'");
        }
        Probe shared = mode.equals("embedded")
                ? new Probe(false, MODE_PROPERTY + "=embedded")
                : probe(HOST, SHARED_PORT, SHARED_DATABASE);
        if (shared.usable()) {
            System.err.println("TestPostgres: using the shared PostgreSQL " + shared.detail() + " at " + HOST + ":" + SHARED_PORT);
            TestPostgres pg = new TestPostgres(SHARED_PORT, SHARED_DATABASE, null);
            Runtime.getRuntime().addShutdownHook(new Thread(pg::dropAll, "test-postgres-drop"));
            return pg;
        }
        long started = System.nanoTime();
        PrivatePostgres pg = PrivatePostgres.start(); // its own shutdown hook stops it and deletes its data
        System.err.printf("TestPostgres: not using the shared PostgreSQL at %s:%d (%s); started an embedded one on port %d in %d ms%n",
                HOST, SHARED_PORT, shared.detail(), pg.port(), (System.nanoTime() - started) / 1_000_000);
        return new TestPostgres(pg.port(), "postgres", pg);
    }

    /** Whether a server answers there as user postgres within the probe timeout: the version, or why not. */
    record Probe(boolean usable, String detail) {}

    static Probe probe(String host, int port, String database) {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", String.valueOf(PROBE_TIMEOUT_SECONDS));
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        try (Connection c = DriverManager.getConnection(url, props);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            if (rs.getInt(1) < MIN_SERVER_VERSION) {
                return new Probe(false, "it is PostgreSQL " + rs.getString(2) + "; tests need 13 or later");
            }
            return new Probe(true, rs.getString(2));
        } catch (SQLException e) {
            return new Probe(false, e.getMessage());
        }
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public int port() {
        return port;
    }

    /** Creates an empty database of this test's own and returns its JDBC URL. */
    public String freshDatabase() {
        return jdbcUrl(freshDatabaseName());
    }

    /** Creates an empty database of this test's own ({@code sb_test_<16 hex>}) and returns its name. */
    public String freshDatabaseName() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        String name = "sb_test_" + HexFormat.of().formatHex(bytes);
        created.add(name); // before CREATE, so a half-done create is still dropped
        admin("CREATE DATABASE " + name);
        return name;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=" + USER;
    }

    /** The gateway's {@code DATABASE_URL} form: {@code postgres://postgres@127.0.0.1:PORT/NAME}. */
    public String postgresUrl(String database) {
        return "postgres://" + USER + "@" + HOST + ":" + port + "/" + database;
    }

    /** Drops one database this class created, cutting its connections. */
    public void drop(String database) {
        if (!created.contains(database)) {
            throw new IllegalArgumentException("'" + database + "' was not created by TestPostgres; refusing to drop it");
        }
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        created.remove(database);
    }

    /** Drops every database this JVM created, cutting their connections. Runs at JVM exit too. */
    public void dropAll() {
        for (String database : List.copyOf(created)) drop(database);
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(adminDatabase)); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + HOST + ":" + port + ": " + e.getMessage(), e);
        }
    }
}
