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
 * <p>JSON is compared as data: member order, whitespace and the spelling of numbers
 * ({@code 1.0} and {@code 1}) do not matter. A mismatch shows both sides with sorted members, so
 * the diff points at the difference.
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

    /** The source folder of one format's cases (the one recording writes to, not a copy on the class path). */
    public static Path root(String format) {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("src/test/resources/fixtures").resolve(format);
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

    /** Asserts {@code actual} equals the JSON in {@code expected}; records it there instead when recording. */
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
