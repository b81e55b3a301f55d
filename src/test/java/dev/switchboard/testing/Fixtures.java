package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Golden files under {@code src/test/resources/fixtures/<format>/<case>/} (see the README there):
 * case discovery, and one check that compares a computed result with its expected file — or,
 * with {@code -Dfixtures.record=true}, writes the result as the new expected file instead.
 *
 * <p>Two comparisons, by what a file holds:
 * <ul>
 *   <li><b>wire JSON</b> (what an upstream or a client receives): compared as written — member
 *       order and the spelling of numbers count, as the receiver sees them; only whitespace does
 *       not ({@link #checkWire}, {@link #checkWireLines});</li>
 *   <li><b>canonical JSON</b>: the expected file is read into the canonical records with
 *       {@link CanonicalJson} (tolerant of what it leaves out, strict about unknown members) and
 *       written again, then compared with the actual records written the same way
 *       ({@link #checkCanonical}, {@link #checkCanonicalLines});</li>
 *   <li>bytes ({@code .sse}): byte for byte ({@link #checkBytes}).</li>
 * </ul>
 * A mismatch shows both sides in full, so the diff points at the difference.
 */
public final class Fixtures {

    /** Rewrite expected files from current output instead of asserting. */
    public static final boolean RECORD = Boolean.getBoolean("fixtures.record");

    /** Two-space indents, arrays one element a line, {@code "name": value}: the layout the committed files use. */
    private static final ObjectWriter PRETTY = Json.MAPPER.writer(new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE))
            .with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Fixtures() {}

    /** The source folder of every format (the one recording writes to, not a copy on the class path). */
    public static Path root() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("src/test/resources/fixtures");
    }

    /** The source folder of one format's cases. */
    public static Path root(String format) {
        return root().resolve(format);
    }

    /** Every format folder, by name. */
    public static List<String> formats() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case folder of a format, by name. */
    public static List<Path> cases(String format) {
        try (Stream<Path> dirs = Files.list(root(format))) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the case folders that hold {@code file}: the cases of one check. */
    public static Stream<String> casesWith(String format, String file) {
        return cases(format).stream().filter(d -> Files.exists(d.resolve(file))).map(d -> d.getFileName().toString());
    }

    public static JsonNode readJson(Path file) throws IOException {
        return Json.parse(Files.readAllBytes(file));
    }

    /** One JSON value per non-blank line. */
    public static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(Json.parse(line));
        }
        return out;
    }

    /** Wire JSON: asserts {@code actual} is the JSON in {@code expected}, member order and number spelling included. */
    public static void checkWire(Path expected, JsonNode actual) throws IOException {
        if (RECORD) {
            write(expected, pretty(actual) + "\n");
            return;
        }
        assertExists(expected);
        assertThat(pretty(actual)).as(expected.toString()).isEqualTo(pretty(readJson(expected)));
    }

    /** Wire JSON Lines: one value per line, in order, each as {@link #checkWire}. */
    public static void checkWireLines(Path expected, List<JsonNode> actual) throws IOException {
        if (RECORD) {
            write(expected, lines(actual));
            return;
        }
        assertExists(expected);
        assertThat(lines(actual)).as(expected.toString()).isEqualTo(lines(readJsonLines(expected)));
    }

    /** Canonical JSON: {@code actual} (a record) against the expected file read as {@code type} and written again. */
    public static <T> void checkCanonical(Path expected, Class<T> type, T actual) throws IOException {
        if (RECORD) {
            write(expected, pretty(CanonicalJson.tree(actual)) + "\n");
            return;
        }
        assertExists(expected);
        T want = CanonicalJson.read(readJson(expected), type);
        assertThat(pretty(CanonicalJson.tree(actual))).as(expected.toString()).isEqualTo(pretty(CanonicalJson.tree(want)));
    }

    /** Canonical events, one a line ({@link CanonicalJson#readEvent}: stream events and a last error line). */
    public static void checkCanonicalLines(Path expected, List<?> actual) throws IOException {
        List<JsonNode> got = actual.stream().map(CanonicalJson::tree).toList();
        if (RECORD) {
            write(expected, lines(got));
            return;
        }
        assertExists(expected);
        List<JsonNode> want = new ArrayList<>();
        for (JsonNode line : readJsonLines(expected)) want.add(CanonicalJson.tree(CanonicalJson.readEvent(line)));
        assertThat(lines(got)).as(expected.toString()).isEqualTo(lines(want));
    }

    /** Bytes as sent ({@code .sse}), compared exactly. */
    public static void checkBytes(Path expected, byte[] actual) throws IOException {
        if (RECORD) {
            Files.write(expected, actual);
            return;
        }
        assertExists(expected);
        assertThat(new String(actual, StandardCharsets.UTF_8)).as(expected.toString())
                .isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    private static void assertExists(Path expected) {
        assertThat(expected).as("expected file (record it with -Dfixtures.record=true)").exists();
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String lines(List<JsonNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (JsonNode n : nodes) out.append(Json.text(n)).append('\n');
        return out.toString();
    }

    public static String pretty(JsonNode n) {
        try {
            return PRETTY.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts {@code actual} equals the JSON in {@code expected} as data; records it there instead when recording. */
    public static void check(Path expected, JsonNode actual) throws IOException {
        if (RECORD) {
            Files.writeString(expected, PRETTY.writeValueAsString(actual) + "\n");
            return;
        }
        assertThat(expected).as("expected file (record it with -Dfixtures.record=true)").exists();
        assertJsonEquals(readJson(expected), actual, expected.toString());
    }

    /** As {@link #check}, for a JSON Lines file: one value per line, in order. */
    public static void checkLines(Path expected, List<JsonNode> actual) throws IOException {
        if (RECORD) {
            StringBuilder out = new StringBuilder();
            for (JsonNode n : actual) out.append(Json.text(n)).append('\n');
            Files.writeString(expected, out);
            return;
        }
        assertThat(expected).as("expected file (record it with -Dfixtures.record=true)").exists();
        ArrayNode want = Json.NODES.arrayNode().addAll(readJsonLines(expected));
        assertJsonEquals(want, Json.NODES.arrayNode().addAll(actual), expected.toString());
    }

    public static void assertJsonEquals(JsonNode expected, JsonNode actual, String what) {
        assertThat(normalizedText(actual)).as(what).isEqualTo(normalizedText(expected));
    }

    private static String normalizedText(JsonNode n) {
        try {
            return PRETTY.writeValueAsString(normalized(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Members sorted by name, numbers reduced to their value (1.0 → 1, 1.50 → 1.5). */
    private static JsonNode normalized(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            n.properties().forEach(e -> sorted.put(e.getKey(), normalized(e.getValue())));
            ObjectNode out = Json.object();
            sorted.forEach(out::set);
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            n.forEach(e -> out.add(normalized(e)));
            return out;
        }
        if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            return d.scale() <= 0 ? BigIntegerNode.valueOf(d.toBigIntegerExact()) : DecimalNode.valueOf(d);
        }
        return n;
    }

    /** Bytes in slices of {@code size}, as a socket might deliver them. */
    public static List<byte[]> slices(byte[] bytes, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) out.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        return out;
    }
}
