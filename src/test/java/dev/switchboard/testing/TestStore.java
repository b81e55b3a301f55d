package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The store a test's gateways share, so one test body runs on SQLite and on PostgreSQL alike:
 * SQLite is the default file in a data dir of the test's own; PostgreSQL is a fresh database of
 * {@link TestPostgres} with a keyring fixed for the test ({@code ENCRYPTION_KEYS} is required
 * there). Every gateway from {@link #gateway()} uses the same data dir and settings, so closing
 * one and starting another, or running two at once, meets the same store. Closing drops the
 * database and deletes the data dir.
 */
public final class TestStore implements AutoCloseable {

    public enum Kind {
        SQLITE, POSTGRES;

        public TestStore open() {
            return this == SQLITE ? sqlite() : postgres();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Kind kind;
    private final Path dataDir;
    private final Map<String, String> env;
    private final String database; // null for SQLite

    private TestStore(Kind kind, Path dataDir, Map<String, String> env, String database) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.env = env;
        this.database = database;
    }

    public static TestStore sqlite() {
        return new TestStore(Kind.SQLITE, tempDir(), Map.of(), null);
    }

    public static TestStore postgres() {
        TestPostgres pg = TestPostgres.get();
        String name = pg.freshDatabaseName();
        return new TestStore(Kind.POSTGRES, tempDir(), Map.of("DATABASE_URL", pg.postgresUrl(name), "ENCRYPTION_KEYS", newKeyring()),
                name);
    }

    /** An {@code ENCRYPTION_KEYS} value with one new random key. */
    public static String newKeyring() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "test:" + Base64.getEncoder().encodeToString(key);
    }

    public Kind kind() {
        return kind;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The settings that point a gateway at this store. */
    public Map<String, String> env() {
        return env;
    }

    /** The PostgreSQL database's JDBC URL; only for {@link Kind#POSTGRES}. */
    public String jdbcUrl() {
        if (database == null) throw new IllegalStateException("an SQLite store has no PostgreSQL URL");
        return TestPostgres.get().jdbcUrl(database);
    }

    /** A gateway builder on this store; the caller may add a config file and settings. */
    public GatewayFixture.Builder gateway() {
        GatewayFixture.Builder b = GatewayFixture.builder().dataDir(dataDir);
        env.forEach(b::env);
        return b;
    }

    @Override
    public void close() {
        try {
            if (database != null) TestPostgres.get().drop(database);
        } finally {
            GatewayFixture.deleteQuietly(dataDir);
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("switchboard-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
