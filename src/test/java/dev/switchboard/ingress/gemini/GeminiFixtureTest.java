package dev.switchboard.ingress.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.gemini.GeminiRequestEncoder;
import dev.switchboard.provider.gemini.GeminiResponseDecoder;
import dev.switchboard.provider.gemini.GeminiStreamDecoder;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Gemini golden fixtures: every case folder under {@code fixtures/gemini/} and every
 * translation its files describe (see the README there), each checked as one test. With
 * {@code -Dfixtures.record=true} the expected files are written from what the code produces
 * instead — review the diff before committing it.
 */
class GeminiFixtureTest {

    static final Path ROOT = Path.of("src/test/resources/fixtures/gemini");
    static final boolean RECORD = Boolean.getBoolean("fixtures.record");
    /** The model name the client asked for, in every fixture. */
    static final String CLIENT_MODEL = "my-gemini";
    /** The upstream model reported when a response names none. */
    static final String UPSTREAM_MODEL = "gemini-upstream";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    /** The translations, in chain order: client → canonical → upstream, and back. */
    enum Translation {
        CLIENT_REQUEST_TO_CANONICAL("client-request.json", "canonical-request.json"),
        CANONICAL_REQUEST_TO_UPSTREAM("canonical-request.json", "upstream-request.json"),
        UPSTREAM_RESPONSE_TO_CANONICAL("upstream-response.json", "canonical-response.json"),
        CANONICAL_RESPONSE_TO_CLIENT("canonical-response.json", "client-response.json"),
        UPSTREAM_STREAM_TO_CANONICAL("upstream-stream.sse", "canonical-events.jsonl"),
        CANONICAL_EVENTS_TO_CLIENT("canonical-events.jsonl", "client-stream.sse");

        final String input;
        final String expected;

        Translation(String input, String expected) {
            this.input = input;
            this.expected = expected;
        }
    }

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> out = new ArrayList<>();
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(ROOT)) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : cases) {
            for (Translation t : Translation.values()) {
                boolean input = Files.exists(dir.resolve(t.input)) || producedEarlier(dir, t);
                if (input && (RECORD || Files.exists(dir.resolve(t.expected)))) out.add(Arguments.of(dir.getFileName().toString(), t));
            }
        }
        assertThat(out).as("fixture checks under " + ROOT).isNotEmpty();
        return out.stream();
    }

    /** In record mode an input may be the output of an earlier translation of the same case. */
    private static boolean producedEarlier(Path dir, Translation t) {
        if (!RECORD) return false;
        for (Translation earlier : Translation.values()) {
            if (earlier.ordinal() < t.ordinal() && earlier.expected.equals(t.input) && Files.exists(dir.resolve(earlier.input))) return true;
        }
        return false;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("fixtures")
    void fixture(String name, Translation t) throws Exception {
        Path dir = ROOT.resolve(name);
        String input = Files.readString(dir.resolve(t.input));
        String actual = switch (t) {
            case CLIENT_REQUEST_TO_CANONICAL -> FixtureCanonicalJson.pretty(GeminiRequestDecoder.decode(Json.parse(input), CLIENT_MODEL, false));
            case CANONICAL_REQUEST_TO_UPSTREAM -> pretty(GeminiRequestEncoder.encode(FixtureCanonicalJson.read(input, ChatRequest.class), false));
            case UPSTREAM_RESPONSE_TO_CANONICAL -> FixtureCanonicalJson.pretty(GeminiResponseDecoder.decode(Json.parse(input), UPSTREAM_MODEL, CLOCK));
            case CANONICAL_RESPONSE_TO_CLIENT -> pretty(GeminiResponseEncoder.response(
                    FixtureCanonicalJson.read(input, ChatResponse.class), CLIENT_MODEL, true));
            case UPSTREAM_STREAM_TO_CANONICAL -> events(input);
            case CANONICAL_EVENTS_TO_CLIENT -> clientStream(input);
        };
        Path expectedFile = dir.resolve(t.expected);
        if (RECORD) {
            Files.writeString(expectedFile, actual);
            return;
        }
        String expected = Files.readString(expectedFile);
        if (t.expected.endsWith(".sse")) {
            assertThat(actual).as(name + "/" + t.expected).isEqualTo(expected);
        } else {
            assertThat(normalized(actual, t.expected)).as(name + "/" + t.expected).isEqualTo(normalized(expected, t.expected));
        }
    }

    /**
     * A file's content in one comparable form: canonical records read and written again (so a
     * hand-written file may leave out empty lists), wire JSON re-indented; member order is
     * compared too, since it is what a client sees.
     */
    private static String normalized(String text, String file) throws IOException {
        return switch (file) {
            case "canonical-request.json" -> FixtureCanonicalJson.pretty(FixtureCanonicalJson.read(text, ChatRequest.class));
            case "canonical-response.json" -> FixtureCanonicalJson.pretty(FixtureCanonicalJson.read(text, ChatResponse.class));
            case "canonical-events.jsonl" -> {
                StringBuilder out = new StringBuilder();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) out.append(FixtureCanonicalJson.line(FixtureCanonicalJson.read(line, StreamEvent.class))).append('\n');
                }
                yield out.toString();
            }
            default -> FixtureCanonicalJson.prettyTree(Json.parse(text));
        };
    }

    /** The upstream SSE body through the SSE parser and the stream decoder, one event a line. */
    private static String events(String sse) throws IOException {
        GeminiStreamDecoder decoder = new GeminiStreamDecoder(UPSTREAM_MODEL, CLOCK);
        List<StreamEvent> out = new ArrayList<>();
        List<IOException> bad = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> {
            try {
                decoder.chunk(Json.parse(data), out::add);
            } catch (IOException e) {
                bad.add(e);
            }
        });
        parser.feed(Buffer.buffer(sse.getBytes(StandardCharsets.UTF_8)));
        parser.end();
        if (!bad.isEmpty()) throw bad.getFirst();
        assertThat(decoder.finished()).as("the stream finished").isTrue();
        decoder.end(out::add);
        StringBuilder lines = new StringBuilder();
        for (StreamEvent e : out) lines.append(FixtureCanonicalJson.line(e)).append('\n');
        return lines.toString();
    }

    /** The canonical events framed for a Gemini client with {@code alt=sse}, exactly as sent. */
    private static String clientStream(String jsonl) throws IOException {
        SseResponse.Framing<StreamEvent> framing = GeminiStreams.canonicalFraming(CLIENT_MODEL, true, true, u -> { });
        Buffer out = Buffer.buffer();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank()) continue;
            Buffer frame = framing.event(FixtureCanonicalJson.read(line, StreamEvent.class));
            if (frame != null) out.appendBuffer(frame);
        }
        Buffer end = framing.end();
        if (end != null) out.appendBuffer(end);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String pretty(ObjectNode node) throws IOException {
        return FixtureCanonicalJson.prettyTree(node);
    }

}
