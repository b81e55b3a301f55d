package dev.switchboard.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.secrets.Keyring;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.Database;
import dev.switchboard.store.StoreException;
import dev.switchboard.testing.TestPostgres;
import dev.switchboard.testing.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection that the database cuts (a restart, a failover, an operator's
 * pg_terminate_backend) fails the store call as "unavailable", which the admin API answers with
 * 503 {@code service_unavailable}, not as an internal error. Each case cuts the connection in the
 * middle of the store call, from another session, and waits until the backend is gone.
 */
class JdbcStoreTest {

    private final TestPostgres pg = TestPostgres.get();
    private String database;
    private JdbcStore store;

    @BeforeEach
    void open() {
        database = pg.freshDatabaseName();
        Database db = Database.open(Optional.of(pg.postgresUrl(database)), Path.of("unused")).migrate();
        store = new JdbcStore(db, new SecretBox(Keyring.parse(TestStore.newKeyring())), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
        pg.drop(database);
    }

    @Test
    void write_onAConnectionCutMidTransaction_failsAsUnavailable_notAsAClosedConnection() {
        StoreException e = catchThrowableOfType(StoreException.class, () -> store.write(tx -> {
            cutEveryOtherSession();
            return tx.keys().all();
        }));
        assertThat(e).as("the failure of a write whose connection was cut").isNotNull();
        assertThat(e.unavailable()).as("unavailable: %s", e.getMessage()).isTrue();
    }

    @Test
    void read_onAConnectionCut_failsAsUnavailable() {
        StoreException e = catchThrowableOfType(StoreException.class, () -> store.read(tx -> {
            cutEveryOtherSession();
            return tx.keys().all();
        }));
        assertThat(e).isNotNull();
        assertThat(e.unavailable()).as("unavailable: %s", e.getMessage()).isTrue();
    }

    /** Terminates every other session on the test's database and waits (up to 5 s each) until it has ended. */
    private void cutEveryOtherSession() {
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl(database)); Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getInt(1)).as("sessions cut").isPositive();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
