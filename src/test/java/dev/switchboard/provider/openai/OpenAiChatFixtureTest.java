package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.compat.CompatPresets;
import dev.switchboard.testing.CanonicalJson;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures of the OpenAI adapter's canonical mode, {@code fixtures/openai-chat/<case>/}
 * (format in {@code fixtures/README.md}). Each case folder is discovered and checked for every
 * pair it holds:
 * <ul>
 *   <li>{@code canonical-request.json} → {@code upstream-request.json}: the exact body the provider
 *       receives (encoding plus the preset's managed fields, as {@link OpenAiProvider#upstreamBody});</li>
 *   <li>{@code upstream-response.json} → {@code canonical-response.json};</li>
 *   <li>{@code upstream-stream.sse} → {@code canonical-events.jsonl}, the stream fed to the real
 *       SSE parser in small slices, as a socket delivers it.</li>
 * </ul>
 * An optional {@code case.json} names the preset ({@code "preset"}, default {@code openai}) and the
 * deployment's model ({@code "upstreamModel"}, default the request's {@code model}).
 *
 * <p>To re-record every expected file from the current code, run
 * {@code ./mvnw -o test -Dtest=OpenAiChatFixtureTest -Dfixtures.record=true} and review the diff:
 * recording writes what the code does now, right or wrong.
 */
class OpenAiChatFixtureTest {

    static final String FORMAT = "openai-chat";
    static final Set<String> KNOWN_FILES = Set.of("case.json", "canonical-request.json", "upstream-request.json",
            "upstream-response.json", "canonical-response.json", "upstream-stream.sse", "canonical-events.jsonl");

    static Stream<String> requestCases() {
        return Fixtures.casesWith(FORMAT, "canonical-request.json");
    }

    static Stream<String> responseCases() {
        return Fixtures.casesWith(FORMAT, "upstream-response.json");
    }

    static Stream<String> streamCases() {
        return Fixtures.casesWith(FORMAT, "upstream-stream.sse");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestCases")
    void canonicalRequest_becomesTheExactUpstreamBody(String name) throws IOException {
        Path dir = Fixtures.root(FORMAT).resolve(name);
        ChatRequest request = CanonicalJson.read(dir.resolve("canonical-request.json"), ChatRequest.class);
        JsonNode settings = Files.exists(dir.resolve("case.json")) ? Fixtures.readJson(dir.resolve("case.json")) : Json.object();
        OpenAiPreset preset = preset(settings.path("preset").asText("openai"));
        String upstreamModel = settings.path("upstreamModel").asText(request.model());
        ObjectNode body = new OpenAiProvider(preset).upstreamBody(request, upstreamModel, false);
        Fixtures.check(dir.resolve("upstream-request.json"), body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseCases")
    void upstreamResponse_decodesToCanonical(String name) throws IOException {
        Path dir = Fixtures.root(FORMAT).resolve(name);
        JsonNode upstream = Fixtures.readJson(dir.resolve("upstream-response.json"));
        Fixtures.check(dir.resolve("canonical-response.json"), CanonicalJson.tree(OpenAiResponseDecoder.decode(upstream)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamCases")
    void upstreamStream_decodesToCanonicalEvents(String name) throws IOException {
        Path dir = Fixtures.root(FORMAT).resolve(name);
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> {
            if (data.equals("[DONE]")) return;
            try {
                decoder.onEvent((ObjectNode) Json.parse(data), events::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (byte[] slice : Fixtures.slices(Files.readAllBytes(dir.resolve("upstream-stream.sse")), 23)) parser.feed(Buffer.buffer(slice));
        parser.end();
        decoder.onEnd(events::add);
        Fixtures.checkLines(dir.resolve("canonical-events.jsonl"), events.stream().map(CanonicalJson::tree).toList());
    }

    @Test
    void everyCase_holdsOnlyKnownFiles_andAtLeastOneInput() throws IOException {
        List<Path> cases = Fixtures.cases(FORMAT);
        assertThat(cases).isNotEmpty();
        for (Path dir : cases) {
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names = files.map(f -> f.getFileName().toString()).toList();
                assertThat(names).as(dir.toString()).allMatch(KNOWN_FILES::contains, "a known fixture file");
                assertThat(names).as(dir.toString())
                        .containsAnyOf("canonical-request.json", "upstream-response.json", "upstream-stream.sse");
            }
        }
    }

    private static OpenAiPreset preset(String id) {
        if (id.equals(CompatPresets.OPENAI.id())) return CompatPresets.OPENAI;
        return CompatPresets.FAMILY.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("case.json names an unknown preset: " + id));
    }
}
