package dev.switchboard.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.SseParser;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The standalone simulator's Anthropic Messages side, spoken to over raw HTTP. */
class SimulatorServerAnthropicTest {

    static final String KEY = "sk-ant-sim";
    static SimulatorServer sim;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, KEY);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.rootUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> messages(String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "x-api-key";
        all[1] = KEY;
        all[2] = "anthropic-version";
        all[3] = "2023-06-01";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return post("/v1/messages", body, all);
    }

    record Event(String name, JsonNode data) {}

    static List<Event> events(String sse) {
        List<Event> out = new ArrayList<>();
        SseParser p = new SseParser((name, data) -> {
            try {
                out.add(new Event(name, Json.parse(data)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        p.feed(Buffer.buffer(sse));
        p.end();
        return out;
    }

    static final String TOOLS = """
            "tools":[{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object",
              "properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}]""";

    @Test
    void stopSequences_areNamedWhenMet_inJsonAndInTheStream() throws Exception {
        String body = """
                {"model":"claude-x","max_tokens":100,"stop_sequences":["three"],%s"messages":[{"role":"user","content":"one two three four"}]}""";
        JsonNode m = Json.parse(messages(body.formatted("")).body());
        assertThat(m.get("content")).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"one two \"}]"));
        assertThat(m.get("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(m.get("stop_sequence").asText()).isEqualTo("three");
        String stream = messages(body.formatted("\"stream\":true,")).body();
        assertThat(stream).contains("\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"three\"}");
    }

    @Test
    void json_text_isAnAnthropicMessageWithTheFormulaUsage() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"system":"Be brief","messages":[{"role":"user","content":"Hello there, simulator"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = Json.parse(r.body());
        assertThat(m.get("type").asText()).isEqualTo("message");
        assertThat(m.get("id").asText()).startsWith("msg_");
        assertThat(m.get("model").asText()).isEqualTo("claude-x");
        assertThat(m.get("content")).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"Hello there, simulator\"}]"));
        assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
        // 3 + system (3 + 2) + user (3 + 3); 3 words
        assertThat(m.get("usage")).isEqualTo(Json.parse(
                "{\"input_tokens\":14,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":3}"));
        assertThat(r.headers().firstValue("request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_sim_"));
        assertThat(r.headers().firstValue("anthropic-ratelimit-requests-limit")).contains("10000");
    }

    @Test
    void json_toolUse_withInputSampledFromTheSchema() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Weather?"}],%s,
                 "tool_choice":{"type":"any"}}""".formatted(TOOLS));
        JsonNode m = Json.parse(r.body());
        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(m.at("/content/0/type").asText()).isEqualTo("tool_use");
        assertThat(m.at("/content/0/id").asText()).startsWith("toolu_");
        assertThat(m.at("/content/0/input")).isEqualTo(Json.parse("{\"city\":\"city\",\"unit\":\"celsius\"}"));
    }

    @Test
    void stream_text_isTheFullEventSequence() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"one two three"}]}""");
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        List<Event> events = events(r.body());
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("type").asText()).isEqualTo(e.name()));
        assertThat(events.stream().map(Event::name)).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(0).data().at("/message/usage/input_tokens").asInt()).isEqualTo(9);
        assertThat(events.get(0).data().at("/message/content").isEmpty()).isTrue();
        assertThat(events.get(3).data().at("/delta")).isEqualTo(Json.parse("{\"type\":\"text_delta\",\"text\":\"one\"}"));
        assertThat(events.get(7).data()).isEqualTo(Json.parse("""
                {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"""));
    }

    @Test
    void stream_toolUse_sendsInputAsSeveralJsonFragments() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Weather?"}],%s}""".formatted(TOOLS));
        List<Event> events = events(r.body());
        Event start = events.stream().filter(e -> e.name().equals("content_block_start")).findFirst().orElseThrow();
        assertThat(start.data().at("/content_block/type").asText()).isEqualTo("tool_use");
        assertThat(start.data().at("/content_block/input")).isEqualTo(Json.object());
        List<String> fragments = events.stream().filter(e -> e.name().equals("content_block_delta"))
                .map(e -> e.data().at("/delta/partial_json").asText()).toList();
        assertThat(fragments.getFirst()).isEmpty();
        assertThat(fragments.size()).isGreaterThan(2);
        assertThat(Json.parse(String.join("", fragments))).isEqualTo(Json.parse("{\"city\":\"city\",\"unit\":\"celsius\"}"));
        assertThat(events.get(events.size() - 2).data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void toolResultsInAUserTurn_countAsToolMessages_andAreAnsweredWithText() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny and warm"}]}],%s}"""
                .formatted(TOOLS));
        JsonNode m = Json.parse(r.body());
        assertThat(m.at("/content/0/text").asText()).isEqualTo("sunny and warm");
        // 3 + user (3 + 1) + assistant (3 + 1 + 1) + tool (3 + 3) + tool definition (8 + 1 + 4)
        assertThat(m.at("/usage/input_tokens").asInt()).isEqualTo(31);
    }

    @Test
    void outputConfigFormat_answersASampleOfTheSchema() throws Exception {
        HttpResponse<String> r = messages("""
                {"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Extract"}],
                 "output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"n":{"type":"integer"}}}}}}""");
        assertThat(Json.parse(Json.parse(r.body()).at("/content/0/text").asText())).isEqualTo(Json.parse("{\"n\":1}"));
    }

    @Test
    void errors_areAnthropicShaped() throws Exception {
        HttpResponse<String> noKey = post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", "wrong");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(Json.parse(noKey.body()).at("/error/type").asText()).isEqualTo("authentication_error");

        HttpResponse<String> bearer = post("/v1/messages", "{}", "authorization", "Bearer " + KEY);
        assertThat(bearer.statusCode()).as("the Anthropic side takes x-api-key, not a bearer token").isEqualTo(401);

        HttpResponse<String> overloaded = messages("""
                {"model":"m","max_tokens":1,"messages":[{"role":"user","content":"[sim status=529 retry_after=4] hi"}]}""");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.headers().firstValue("retry-after")).contains("4");
        JsonNode err = Json.parse(overloaded.body());
        assertThat(err.get("type").asText()).isEqualTo("error");
        assertThat(err.at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(err.get("request_id").asText()).startsWith("req_sim_");

        HttpResponse<String> limited = messages("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-sim-status", "429");
        assertThat(Json.parse(limited.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");

        HttpResponse<String> noMaxTokens = messages("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(Json.parse(noMaxTokens.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(Json.parse(noMaxTokens.body()).at("/error/message").asText()).contains("max_tokens");

        HttpResponse<String> notJson = messages("{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Json.parse(notJson.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void openAiRoutes_keepTheirBearerAuth() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", KEY);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Json.parse(r.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        HttpResponse<String> ok = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("openai-version")).isPresent();
    }
}
