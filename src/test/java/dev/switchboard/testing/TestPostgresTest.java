package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.app.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

    private final TestPostgres pg = TestPostgres.get();

    @Test
    void freshDatabase_isUsable_andIsolated() throws SQLException {
        String first = pg.freshDatabase();
        String second = pg.freshDatabase();
        assertThat(first).isNotEqualTo(second).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/sb_test_[0-9a-f]{16}\\?user=postgres");

        try (Connection c = DriverManager.getConnection(first); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE only_here (id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO only_here VALUES (1, 'first database')");
            try (ResultSet rs = s.executeQuery("SELECT note FROM only_here WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("first database");
            }
        }
        try (Connection c = DriverManager.getConnection(second);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('only_here') IS NULL, current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("only_here must not exist in %s", rs.getString(2)).isTrue();
        }
    }

    @Test
    void drop_cutsConnections_andRemovesTheDatabase() throws SQLException {
        String name = pg.freshDatabaseName();
        try (Connection open = DriverManager.getConnection(pg.jdbcUrl(name))) {
            pg.drop(name);
            assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(name)).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("3D000")); // invalid_catalog_name
        assertThatThrownBy(() -> pg.drop("test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void postgresUrl_isTheGatewaysDatabaseUrlForm() {
        String name = pg.freshDatabaseName();
        String url = pg.postgresUrl(name);
        assertThat(url).isEqualTo("postgres://postgres@127.0.0.1:" + pg.port() + "/" + name);
        assertThat(Settings.fromEnv(Map.of("DATABASE_URL", url)).databaseUrl()).contains(url);
    }

    @Test
    void probe_ofAClosedPort_isRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TestPostgres.Probe probe = TestPostgres.probe("127.0.0.1", port, "test");
        assertThat(probe.usable()).isFalse();
        assertThat(probe.detail()).containsIgnoringCase("refused");
    }

    @Test
    void probe_ofASilentServer_givesUpWithinItsTimeout() throws IOException {
        // accepts TCP (backlog) but never answers the startup message: only loginTimeout ends the wait
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            TestPostgres.Probe probe = TestPostgres.probe("127.0.0.1", silent.getLocalPort(), "test");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(probe.usable()).isFalse();
            assertThat(ms).isBetween(1_500L, 4_000L);
        }
    }
}
