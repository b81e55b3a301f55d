package dev.switchboard.store.jdbc;

import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.Database;
import dev.switchboard.store.DeploymentRepository;
import dev.switchboard.store.FallbackRepository;
import dev.switchboard.store.KeyRepository;
import dev.switchboard.store.MasterKeyRepository;
import dev.switchboard.store.ResponseRepository;
import dev.switchboard.store.RouterSettingsRepository;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreTx;
import dev.switchboard.store.TeamRepository;
import dev.switchboard.store.UsageRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Function;

/**
 * The store on JDBC, one implementation for SQLite and PostgreSQL (the SQL is portable). A
 * transaction is one pooled connection; the repositories of a {@link StoreTx} are bound to it.
 * Reads run in auto-commit mode (SQLite would otherwise take its write lock for them); writes run
 * in one transaction that ends by bumping {@code config_version}.
 */
public final class JdbcStore implements Store {

    private final Database db;
    private final SecretBox secrets;
    private final Clock clock;

    public JdbcStore(Database db, SecretBox secrets, Clock clock) {
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public <T> T read(Function<StoreTx, T> work) {
        try (Connection c = db.connection()) {
            return work.apply(new Tx(c));
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "read");
        }
    }

    @Override
    public <T> T write(Function<StoreTx, T> work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(new Tx(c));
                try (PreparedStatement ps = c.prepareStatement("UPDATE config_version SET version = version + 1 WHERE id = 1")) {
                    ps.executeUpdate();
                }
                c.commit();
                return result;
            } catch (RuntimeException | SQLException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                restoreAutoCommit(c);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "write");
        }
    }

    /**
     * Best effort: on a connection the database cut, this throws Hikari's "Connection is closed"
     * (no SQLState), which must not replace the failure on its way out; Hikari evicts such a
     * connection, and resets auto-commit on any other when it returns to the pool.
     */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException broken) {
            // the connection is gone; the transaction's own outcome is what the caller sees
        }
    }

    @Override
    public ResponseRepository responses() {
        return new JdbcResponses(db);
    }

    @Override
    public UsageRepository usage() {
        return new JdbcUsage(db);
    }

    @Override
    public long version() {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT version FROM config_version WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) throw new StoreException("the store has no config_version row; run migrations");
            return rs.getLong(1);
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "read the config version");
        }
    }

    @Override
    public boolean ping() {
        return db.ping();
    }

    @Override
    public String display() {
        return db.display();
    }

    @Override
    public void close() {
        db.close();
    }

    private final class Tx implements StoreTx {
        private final Connection c;

        Tx(Connection c) {
            this.c = c;
        }

        @Override
        public DeploymentRepository deployments() {
            return new JdbcDeployments(c, secrets, clock);
        }

        @Override
        public KeyRepository keys() {
            return new JdbcKeys(c, clock);
        }

        @Override
        public TeamRepository teams() {
            return new JdbcTeams(c, clock);
        }

        @Override
        public FallbackRepository fallbacks() {
            return new JdbcFallbacks(c, clock);
        }

        @Override
        public RouterSettingsRepository routerSettings() {
            return new JdbcRouterSettings(c, clock);
        }

        @Override
        public MasterKeyRepository masterKey() {
            return new JdbcMasterKey(c, clock);
        }
    }
}
