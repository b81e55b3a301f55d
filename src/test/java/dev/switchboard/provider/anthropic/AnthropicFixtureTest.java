package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures of {@code src/test/resources/fixtures/anthropic/<case>/}, every case found
 * by listing the folder: each input file present is translated and compared with its expected
 * file (the pairs are in the folder's README). Run with {@code -Dfixtures.record=true} to rewrite
 * the expected files from the code instead — then review the diff.
 */
class AnthropicFixtureTest {

    static final Path ROOT = Path.of("src/test/resources/fixtures/anthropic");
    static final String UPSTREAM_MODEL = "claude-sonnet-4-5";
    static final String PUBLIC_MODEL = "general";
    static final long CREATED = 1_750_000_000L;
    static final boolean RECORD = Boolean.getBoolean("fixtures.record");

    /** One translation: its input file, its expected file, and what turns the one into the other. */
    enum Kind {
        REQUEST("canonical-request.json", "upstream-request.json"),
        RESPONSE("upstream-response.json", "canonical-response.json"),
        STREAM("upstream-stream.sse", "canonical-events.jsonl"),
        NATIVE_STREAM("upstream-stream.sse", "native-events.jsonl");

        final String input;
        final String expected;

        Kind(String input, String expected) {
            this.input = input;
            this.expected = expected;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                for (Kind k : Kind.values()) {
                    if (Files.exists(dir.resolve(k.input))) out.add(Arguments.of(dir.getFileName().toString(), k));
                }
            }
        }
        assertThat(out).as("fixture cases under " + ROOT).isNotEmpty();
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void fixture(String name, Kind kind) throws IOException {
        Path dir = ROOT.resolve(name);
        String input = Files.readString(dir.resolve(kind.input));
        switch (kind) {
            case REQUEST -> {
                ChatRequest request = FixtureJson.read(input, ChatRequest.class);
                ObjectNode body = new AnthropicRequestEncoder(UPSTREAM_MODEL, false).encode(request);
                // encoding is repeatable: a retry sends the same body
                assertThat(new AnthropicRequestEncoder(UPSTREAM_MODEL, false).encode(request)).isEqualTo(body);
                checkJson(dir.resolve(kind.expected), Json.parse(Json.bytes(body)), Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(body));
            }
            case RESPONSE -> {
                ChatResponse response = AnthropicResponseDecoder.decode(Json.parse(input), CREATED);
                checkJson(dir.resolve(kind.expected), FixtureJson.tree(response), FixtureJson.MAPPER.writeValueAsString(response));
            }
            case STREAM -> checkLines(dir.resolve(kind.expected), stream(input, null, true));
            case NATIVE_STREAM -> checkLines(dir.resolve(kind.expected), stream(input, PUBLIC_MODEL, false));
        }
    }

    /**
     * Plays an SSE file through the reader (in 5-byte pieces, to show it reads incrementally) and,
     * for canonical output, the decoder; a failure becomes a last line of the form
     * {@code {"type":"error","failureClass","status","kind"}}.
     */
    static List<String> stream(String sse, String publicModel, boolean canonical) throws IOException {
        List<String> lines = new ArrayList<>();
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(CREATED);
        AnthropicSseEvents events = new AnthropicSseEvents(publicModel, new AnthropicSseEvents.Handler() {
            @Override
            public void event(ObjectNode event) {
                if (!canonical) {
                    lines.add(Json.text(event));
                    return;
                }
                decoder.decode(event, e -> {
                    try {
                        lines.add(FixtureJson.line(e));
                    } catch (IOException x) {
                        throw new IllegalStateException(x);
                    }
                });
            }

            @Override
            public void failed(UpstreamException error) {
                lines.add(errorLine(error));
            }
        });
        SseParser parser = new SseParser(events);
        byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 5) parser.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(5, bytes.length - i)));
        parser.end();
        if (!events.failed() && !events.complete()) lines.add("{\"type\":\"error\",\"failureClass\":\"transient\",\"status\":0,\"kind\":\"truncated\"}");
        return lines;
    }

    private static String errorLine(UpstreamException e) {
        return Json.text(Json.object().put("type", "error")
                .put("failureClass", e.failureClass().name().toLowerCase(Locale.ROOT))
                .put("status", e.upstreamStatus())
                .put("kind", e.error().kind().name().toLowerCase(Locale.ROOT)));
    }

    private static void checkJson(Path expected, JsonNode actual, String pretty) throws IOException {
        if (RECORD) {
            Files.writeString(expected, pretty + "\n");
            return;
        }
        assertThat(Files.exists(expected)).as(expected + " exists (record it with -Dfixtures.record=true)").isTrue();
        JsonNode want = Json.parse(Files.readAllBytes(expected));
        assertThat(actual).as("%s%n--- actual ---%n%s", expected, pretty).isEqualTo(want);
    }

    private static void checkLines(Path expected, List<String> actual) throws IOException {
        if (RECORD) {
            Files.writeString(expected, String.join("\n", actual) + "\n");
            return;
        }
        assertThat(Files.exists(expected)).as(expected + " exists (record it with -Dfixtures.record=true)").isTrue();
        List<JsonNode> want = new ArrayList<>();
        for (String l : Files.readAllLines(expected)) if (!l.isBlank()) want.add(Json.parse(l));
        List<JsonNode> got = new ArrayList<>();
        for (String l : actual) got.add(Json.parse(l));
        assertThat(got).as("%s%n--- actual ---%n%s", expected, String.join("\n", actual)).isEqualTo(want);
    }
}
