package dev.switchboard.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The JDBC side of the store: which database {@code DATABASE_URL} names (SQLite by default, a file
 * in the data dir; PostgreSQL for scale-out), a HikariCP pool over it, and the Flyway migrations
 * ({@code db/migration/common} for both, {@code db/migration/<kind>} where SQL must differ).
 *
 * <p>SQLite runs in WAL mode with a busy timeout and immediate write transactions, so the server
 * and a CLI command can share one file: readers never block, and a writer waits for the other
 * instead of failing on a lock upgrade. Connection timeouts are short on purpose: when the
 * database is down the control plane should learn it in seconds, while the data plane keeps
 * serving from the snapshot.
 */
public final class Database implements AutoCloseable {

    public enum Kind { SQLITE, POSTGRES }

    /** sqlite3_open_v2 flags (sqlite3.h); sqlite-jdbc adds the URI flag itself. */
    private static final int SQLITE_OPEN_READWRITE = 0x2, SQLITE_OPEN_CREATE = 0x4, SQLITE_OPEN_NOMUTEX = 0x8000;

    private final Kind kind;
    private final HikariDataSource pool;
    private final String display;

    private Database(Kind kind, HikariDataSource pool, String display) {
        this.kind = kind;
        this.pool = pool;
        this.display = display;
    }

    /** Opens the pool; nothing is migrated yet. A database that cannot be reached fails here. */
    public static Database open(Optional<String> databaseUrl, Path dataDir) {
        Target t = target(databaseUrl.orElse(null), dataDir);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("switchboard-store");
        hc.setJdbcUrl(t.jdbcUrl());
        if (t.user() != null) hc.setUsername(t.user());
        if (t.password() != null) hc.setPassword(t.password());
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(2_000);
        if (t.kind() == Kind.SQLITE) {
            try {
                Path parent = Path.of(t.jdbcUrl().substring("jdbc:sqlite:".length())).toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
            } catch (java.io.IOException e) {
                throw new StoreException("cannot create the directory of the SQLite database: " + e.getMessage(), e);
            }
            hc.setMaximumPoolSize(4);
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            // Nothing reads generated keys; left on, sqlite-jdbc matches every INSERT's SQL against
            // a pattern and prepares a last_insert_rowid() query after it: 5% of the usage
            // writer's time (async-profiler, 60,000 records in batches of 1,000).
            hc.addDataSourceProperty("jdbc.get_generated_keys", "false");
            // A pooled connection serves one thread at a time, so SQLite's own lock around every
            // call (serialized mode) only costs: read-write, create, no mutex. Measured on the
            // usage writer's inserts: 8% less CPU per row.
            hc.addDataSourceProperty("open_mode", Integer.toString(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX));
        } else {
            hc.setMaximumPoolSize(8);
            hc.setMinimumIdle(1);
            hc.addDataSourceProperty("connectTimeout", "3");
            hc.addDataSourceProperty("socketTimeout", "30");
            hc.addDataSourceProperty("ApplicationName", "switchboard");
        }
        // Instances starting together on a new SQLite file race to switch it to WAL, which takes
        // the file's lock before busy_timeout applies: the loser is told SQLITE_BUSY at once. Such
        // a start tries again for up to 10 s; any other failure ends it at once.
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return new Database(t.kind(), new HikariDataSource(hc), t.display());
            } catch (RuntimeException e) {
                boolean busy = t.kind() == Kind.SQLITE && rootMessage(e).contains("SQLITE_BUSY");
                if (!busy || System.nanoTime() - giveUpAt > 0) {
                    throw new StoreException("cannot open the store at " + t.display() + ": " + rootMessage(e), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20 + ThreadLocalRandom.current().nextInt(80)));
            }
        }
    }

    /** What a migration did: the schema version it left, and how many migrations it applied to get there. */
    public record Migration(String schemaVersion, int applied) {}

    /**
     * The newest migration this build carries ({@code db/migration/*}{@code /V<n>__*.sql}; a test
     * keeps the two in step, and fails on a name it cannot read). Whole-number versions only:
     * a dotted version ({@code V3_1}) or a repeatable migration ({@code R__}) needs
     * {@link #current()} taught about it first.
     */
    static final int NEWEST_MIGRATION = 3;

    /**
     * Brings the schema up to date; safe to run from several instances at once. A store whose
     * schema history already ends at {@link #NEWEST_MIGRATION} is left as it is after one query:
     * Flyway's scan, validation and locking cost about 130 ms of every start (async-profiler, the
     * start's main thread), for nothing to do once the store is current.
     */
    public Database migrate() {
        if (!current()) migrateWithReport();
        return this;
    }

    /** Whether every migration in the store's history succeeded and the newest is this build's. */
    private boolean current() {
        try (Connection c = pool.getConnection();
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            int newest = 0;
            while (rs.next()) {
                if (!rs.getBoolean(2)) return false; // a failed migration: Flyway reports it
                newest = Math.max(newest, Integer.parseInt(rs.getString(1)));
            }
            return newest == NEWEST_MIGRATION;
        } catch (SQLException | NumberFormatException e) {
            return false; // a new store (no history yet), or one Flyway must look at
        }
    }

    /** {@link #migrate()}, saying what it did: for {@code switchboard migrate}. */
    public Migration migrateWithReport() {
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + kind.name().toLowerCase())
                    .failOnMissingLocations(false)
                    .load();
            int applied = flyway.migrate().migrationsExecuted;
            MigrationInfo current = flyway.info().current();
            return new Migration(current == null || current.getVersion() == null ? "0" : current.getVersion().getVersion(), applied);
        } catch (RuntimeException e) {
            throw new StoreException("cannot migrate the store at " + display + ": " + rootMessage(e), e);
        }
    }

    public Kind kind() {
        return kind;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Where the store is, without credentials: for logs and messages. */
    public String display() {
        return display;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Whether the database answers a trivial query now. */
    public boolean ping() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    record Target(Kind kind, String jdbcUrl, String user, String password, String display) {}

    /** {@code DATABASE_URL} in any of its accepted forms → a JDBC URL and credentials. */
    static Target target(String url, Path dataDir) {
        if (url == null || url.isBlank()) {
            Path file = dataDir.resolve("switchboard.db").toAbsolutePath();
            return new Target(Kind.SQLITE, "jdbc:sqlite:" + file, null, null, "sqlite:" + file);
        }
        if (url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")) {
            String path = url.substring(url.indexOf("sqlite:") + "sqlite:".length());
            // no file, or one per connection: a store that is gone at the next start, shared with no command
            if (path.isBlank() || path.contains(":memory:") || path.contains("mode=memory")) {
                throw new StoreException("DATABASE_URL: sqlite: needs the path of a file, as in sqlite:./data/switchboard.db");
            }
            return new Target(Kind.SQLITE, "jdbc:sqlite:" + path, null, null, "sqlite:" + path);
        }
        if (url.startsWith("jdbc:postgresql://")) {
            URI u = postgresUri(url.substring("jdbc:".length()));
            return new Target(Kind.POSTGRES, url, null, null, "postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getPath());
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI u = postgresUri(url);
            String user = null;
            String password = null;
            if (u.getRawUserInfo() != null) {
                String info = u.getRawUserInfo();
                int colon = info.indexOf(':');
                user = decode(colon < 0 ? info : info.substring(0, colon));
                password = colon < 0 ? null : decode(info.substring(colon + 1));
            }
            String hostPort = u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
            String jdbc = "jdbc:postgresql://" + hostPort + u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
            return new Target(Kind.POSTGRES, jdbc, user, password, "postgresql://" + hostPort + u.getRawPath());
        }
        throw new StoreException("DATABASE_URL must start with postgres://, postgresql://, jdbc:postgresql:// or sqlite:");
    }

    /** The URL parsed, with a host; the refusal never quotes it (it may hold a password). */
    private static URI postgresUri(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new StoreException("DATABASE_URL is not a valid URL (" + e.getReason() + "); the form is postgres://user:password@host:5432/db");
        }
        if (u.getHost() == null) {
            throw new StoreException("DATABASE_URL names no host (or a port that is not a number); the form is postgres://user:password@host:5432/db");
        }
        return u;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
