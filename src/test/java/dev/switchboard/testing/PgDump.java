package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything a PostgreSQL database holds, as bytes to scan: {@code pg_dump} (plain SQL, data and
 * schema) when one that can read the server is installed — on PATH or under
 * {@code /usr/lib/postgresql/<major>/bin}, with a major version at least the server's, as pg_dump
 * requires; the embedded server's own binaries have none. Otherwise every row of every table of
 * the database, read over JDBC. {@link Dump#method()} says which, for assertion messages.
 */
public final class PgDump {

    public record Dump(String method, byte[] bytes) {}

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final long LIMIT_SECONDS = 60;

    private PgDump() {}

    /** @param jdbcUrl a {@code jdbc:postgresql://host:port/db?user=…} URL of {@link TestPostgres} */
    public static Dump of(String jdbcUrl) {
        int serverMajor = serverMajor(jdbcUrl);
        Optional<Path> binary = candidates().stream().filter(p -> major(p).orElse(0) >= serverMajor).findFirst();
        if (binary.isEmpty()) return viaJdbc(jdbcUrl, "no pg_dump of major version >= " + serverMajor + " is installed");
        String url = jdbcUrl.substring("jdbc:".length()); // postgresql://host:port/db?user=… is a libpq URI too
        List<String> cmd = List.of(binary.get().toString(), "--no-password", "--dbname=" + url);
        return new Dump("pg_dump " + binary.get(), run(cmd));
    }

    private static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "pg_dump"))) out.add(Path.of(dir, "pg_dump"));
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                versions.map(v -> v.resolve("bin/pg_dump")).filter(Files::isExecutable)
                        .sorted(Comparator.comparing(Path::toString).reversed()).forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static Optional<Integer> major(Path pgDump) {
        String out = new String(run(List.of(pgDump.toString(), "--version")), StandardCharsets.UTF_8);
        Matcher m = VERSION.matcher(out);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    private static byte[] run(List<String> cmd) {
        try {
            Path err = Files.createTempFile("pg_dump", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        p.getInputStream().transferTo(out);
                    } catch (IOException ignored) {
                        // the exit status below tells
                    }
                });
                if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(cmd.get(0) + " did not finish within " + LIMIT_SECONDS + " s");
                }
                reader.join(TimeUnit.SECONDS.toMillis(10));
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(cmd.get(0) + " failed with exit " + p.exitValue() + ": " + Files.readString(err));
                }
                return out.toByteArray();
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int serverMajor(String jdbcUrl) {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            return c.getMetaData().getDatabaseMajorVersion();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fallback: every row of every table, each column as text. */
    static Dump viaJdbc(String jdbcUrl, String why) {
        return new Dump("every table read over JDBC (" + why + ")", jdbcRows(jdbcUrl));
    }

    private static byte[] jdbcRows(String jdbcUrl) {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) tables.add("\"" + rs.getString(1) + "\".\"" + rs.getString(2) + "\"");
            }
            if (tables.isEmpty()) throw new IllegalStateException("the database has no tables to dump");
            for (String table : tables) {
                out.append("-- ").append(table).append('\n');
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) out.append(rs.getString(i)).append('\t');
                        out.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
