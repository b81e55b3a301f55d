package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PgDumpTest {

    @Test
    void dump_andItsJdbcFallback_bothHoldEveryRow() throws SQLException {
        TestPostgres pg = TestPostgres.get();
        String db = pg.freshDatabaseName();
        try {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db)); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v text)");
                s.execute("INSERT INTO t VALUES ('row-marker-4711')");
            }
            PgDump.Dump dump = PgDump.of(pg.jdbcUrl(db));
            assertThat(SecretScan.contains(dump.bytes(), "row-marker-4711")).as(dump.method()).isTrue();
            PgDump.Dump rows = PgDump.viaJdbc(pg.jdbcUrl(db), "forced by the test");
            assertThat(rows.method()).startsWith("every table read over JDBC");
            assertThat(SecretScan.contains(rows.bytes(), "row-marker-4711")).isTrue();
        } finally {
            pg.drop(db);
        }
    }
}
