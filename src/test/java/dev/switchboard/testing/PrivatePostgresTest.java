package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PrivatePostgresTest {

    @Test
    void privatePostgres_stop_refusesConnections_restart_keepsData() throws SQLException {
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            int port = pg.port();
            assertThat(port).isPositive().isNotEqualTo(5432);
            assertThat(pg.databaseUrl()).isEqualTo("postgres://postgres@127.0.0.1:" + port + "/postgres");

            try (Connection held = DriverManager.getConnection(pg.jdbcUrl()); Statement s = held.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('written before the outage')");

                pg.stop();

                assertThat(pg.isRunning()).isFalse();
                assertThat(accepts(port)).as("port %d after stop", port).isFalse();
                assertThatThrownBy(() -> s.execute("SELECT 1")).as("a connection held across the stop").isInstanceOf(SQLException.class);
            }
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl()).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001")); // unable to connect

            pg.restart();

            assertThat(pg.port()).isEqualTo(port);
            assertThat(pg.jdbcUrl()).contains(":" + port + "/");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written before the outage");
            }
        }
    }

    @Test
    void restart_whileRunning_bouncesTheServer_andClose_deletesTheDataDirectory() throws SQLException {
        PrivatePostgres pg = PrivatePostgres.start();
        int port = pg.port();
        try (Connection before = DriverManager.getConnection(pg.jdbcUrl()); Statement s = before.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            pg.restart();
            assertThatThrownBy(() -> s.execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
        try (Connection after = DriverManager.getConnection(pg.jdbcUrl());
                ResultSet rs = after.createStatement().executeQuery("SELECT to_regclass('t') IS NOT NULL")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
        assertThat(Files.exists(pg.dataDirectory().resolve("PG_VERSION"))).isTrue();

        pg.close();
        pg.close(); // idempotent

        assertThat(accepts(port)).isFalse();
        assertThat(pg.dataDirectory()).doesNotExist();
        assertThatThrownBy(pg::restart).isInstanceOf(IllegalStateException.class);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
