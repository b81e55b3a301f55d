package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic streams over raw HTTP, byte for byte: the event sequence, each {@code event:} line
 * naming its data's {@code type}, block indexes, keep-alive pings, an error event after the
 * commit point, and events relayed as they come rather than after the upstream finished.
 */
class AnthropicStreamingTest {

    static GatewayFixture gw;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().pingMs(100).config("""
                models:
                  claude-sim:
                    - { provider: simulator, upstreamModel: echo }
                """).start();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
    }

    /** One SSE event as read: its name, its data, and when it arrived (ms after the request went out). */
    record Event(String name, JsonNode data, long atMs) {
        String type() {
            return data.path("type").asText();
        }
    }

    static String body(String text, String extra) {
        return "{\"model\":\"claude-sim\",\"max_tokens\":64,\"stream\":true" + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    static HttpResponse<InputStream> open(String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.url("/v1/messages"))).timeout(Duration.ofSeconds(20))
                .header("x-api-key", GatewayFixture.MASTER_KEY).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return gw.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads the whole stream, checking the framing line by line: {@code event:}, then {@code data:}, then a blank line. */
    static List<Event> events(HttpResponse<InputStream> r, long sentNanos) throws Exception {
        List<Event> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                assertThat(line).startsWith("event: ");
                String data = in.readLine();
                assertThat(data).startsWith("data: ");
                assertThat(in.readLine()).isEmpty();
                out.add(new Event(line.substring(7), Json.parse(data.substring(6)), (System.nanoTime() - sentNanos) / 1_000_000));
            }
        }
        return out;
    }

    static List<Event> stream(String body) throws Exception {
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = open(body);
        assertThat(r.statusCode()).isEqualTo(200);
        return events(r, sent);
    }

    static List<String> names(List<Event> events) {
        return events.stream().map(Event::name).toList();
    }

    @Test
    void stream_text_followsAnthropicsEventSequence() throws Exception {
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = open(body("a b c", ""));
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
        List<Event> events = events(r, sent);
        assertThat(names(events)).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events).allSatisfy(e -> assertThat(e.type()).isEqualTo(e.name()));

        JsonNode message = events.get(0).data().get("message");
        assertThat(message.get("id").asText()).startsWith("msg_");
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        assertThat(message.get("model").asText()).isEqualTo("claude-sim");
        assertThat(message.get("content")).isEmpty();
        assertThat(message.get("stop_reason").isNull()).isTrue();
        assertThat(message.get("usage").has("input_tokens")).isTrue();

        assertThat(events.get(1).data().get("index").asInt()).isZero();
        assertThat(events.get(1).data().get("content_block")).isEqualTo(Json.parse("{\"type\":\"text\",\"text\":\"\"}"));
        assertThat(events.subList(2, 5)).extracting(e -> e.data().at("/delta/type").asText()).containsOnly("text_delta");
        assertThat(events.subList(2, 5)).extracting(e -> e.data().at("/delta/text").asText()).containsExactly("a", " b", " c");
        assertThat(events.subList(1, 6)).extracting(e -> e.data().get("index").asInt()).containsOnly(0);

        JsonNode delta = events.get(6).data();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/delta/stop_sequence").isNull()).isTrue();
        // 3 + (3 + 3) in, 3 out
        assertThat(delta.at("/usage/input_tokens").asLong()).isEqualTo(9);
        assertThat(delta.at("/usage/output_tokens").asLong()).isEqualTo(3);
    }

    @Test
    void stream_toolUse_isOneToolUseBlockOfInputJsonDeltas() throws Exception {
        String tools = ",\"tools\":[{\"name\":\"lookup\",\"description\":\"Look up\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\",\"minimum\":3}}}}]";
        List<Event> events = stream(body("find it", tools));
        List<String> names = names(events);
        assertThat(names.getFirst()).isEqualTo("message_start");
        assertThat(names.subList(names.size() - 3, names.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(names.get(1)).isEqualTo("content_block_start");
        assertThat(names.subList(2, names.size() - 3)).hasSizeGreaterThan(1).containsOnly("content_block_delta");

        JsonNode block = events.get(1).data().get("content_block");
        assertThat(block.get("type").asText()).isEqualTo("tool_use");
        assertThat(block.get("name").asText()).isEqualTo("lookup");
        assertThat(block.get("id").asText()).startsWith("call_");
        assertThat(block.get("input")).isEqualTo(Json.object());
        StringBuilder json = new StringBuilder();
        for (Event e : events.subList(2, names.size() - 3)) {
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("input_json_delta");
            assertThat(e.data().get("index").asInt()).isZero();
            json.append(e.data().at("/delta/partial_json").asText());
        }
        assertThat(Json.parse(json.toString())).isEqualTo(Json.parse("{\"query\":\"query\",\"limit\":3}"));
        assertThat(events.get(names.size() - 2).data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void stream_eventsAreRelayedAsTheyCome_notAfterTheUpstreamFinished() throws Exception {
        List<Event> events = stream(body("[sim token_ms=200] one two three four five", ""));
        assertThat(names(events)).containsSubsequence("message_start", "content_block_delta", "message_stop");
        long firstDelta = events.stream().filter(e -> e.name().equals("content_block_delta")).findFirst().orElseThrow().atMs();
        long end = events.getLast().atMs();
        // five deltas 200 ms apart: the upstream is busy for a second after its first word
        assertThat(end).isGreaterThanOrEqualTo(1000);
        assertThat(firstDelta).isLessThan(end - 600);
        assertThat(events.getFirst().atMs()).isLessThanOrEqualTo(firstDelta);
    }

    @Test
    void stream_silentUpstream_getsAnthropicPingEvents() throws Exception {
        List<Event> events = stream(body("[sim token_ms=350] a b", ""));
        List<Event> pings = events.stream().filter(e -> e.name().equals("ping")).toList();
        assertThat(pings).hasSizeGreaterThanOrEqualTo(2);
        assertThat(pings).allSatisfy(p -> assertThat(p.data()).isEqualTo(Json.parse("{\"type\":\"ping\"}")));
        assertThat(names(events).getFirst()).isEqualTo("message_start");
        assertThat(names(events).getLast()).isEqualTo("message_stop");
    }

    @Test
    void stream_failureAfterCommit_endsWithAnErrorEvent() throws Exception {
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = open(body("[sim cut_after=3] one two three four", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        String requestId = r.headers().firstValue("x-request-id").orElseThrow();
        List<Event> events = events(r, sent);
        assertThat(names(events)).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "error");
        JsonNode error = events.getLast().data();
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
        assertThat(error.at("/error/message").asText()).isNotBlank().doesNotContain("simulated");
        assertThat(error.get("request_id").asText()).isEqualTo(requestId);
    }
}
