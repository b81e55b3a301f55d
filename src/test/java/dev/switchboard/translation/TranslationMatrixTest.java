package dev.switchboard.translation;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.usage.UsageGroup;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every inbound format (OpenAI and Anthropic SDKs, Gemini over raw HTTP) × every provider format
 * (built-in, OpenAI, Anthropic and Gemini wire formats on the simulator), JSON and streaming, text
 * and a tool call: what the client sees (content, tool arguments, finish reason, usage) and what
 * the upstream received. The simulator's usage formula makes the numbers exact: one user message of four
 * words is 3 + (3 + 4) = 10 input tokens and 4 output tokens, whichever formats it crossed.
 */
class TranslationMatrixTest extends SimulatorBackedTest {

    static final String PROMPT = "matrix words cross formats";
    static final String TOOL_PROMPT = "what is the weather";

    /** A provider format: the public model that reaches it, and where the simulator receives it (null: in process). */
    record Target(String model, String path) {
        @Override
        public String toString() {
            return model;
        }
    }

    static final Target BUILTIN = new Target("m-builtin", null);
    static final Target OPENAI = new Target("m-openai", "/v1/chat/completions");
    static final Target ANTHROPIC = new Target("m-anthropic", "/v1/messages");
    static final Target GEMINI = new Target("m-gemini", "/v1beta/models/sim-gemini:");

    /** What a client saw, in neutral terms. */
    record Seen(String text, String toolName, JsonNode toolArguments, String finish, long input, long output) {}

    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  m-builtin:
                    - { provider: simulator, upstreamModel: sim-builtin }
                  m-openai:
                    - { provider: openai-compatible, upstreamModel: sim-openai, baseUrl: "%s", credentials: { apiKey: k-openai } }
                  m-anthropic:
                    - { provider: anthropic, upstreamModel: sim-anthropic, baseUrl: "%s", credentials: { apiKey: k-anthropic } }
                  m-gemini:
                    - { provider: gemini, upstreamModel: sim-gemini, baseUrl: "%s", credentials: { apiKey: k-gemini } }
                """.formatted(sim.baseUrl(), sim.rootUrl(), sim.rootUrl())).start();
        anthropic = AnthropicOkHttpClient.builder().apiKey(GatewayFixture.MASTER_KEY).baseUrl(gw.url("")).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String client : List.of("openai", "anthropic", "gemini")) {
            for (Target t : List.of(BUILTIN, OPENAI, ANTHROPIC, GEMINI)) {
                for (boolean stream : List.of(false, true)) out.add(Arguments.of(client, t, stream));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} client → {1}, stream={2}")
    @MethodSource("matrix")
    void text(String client, Target target, boolean stream) {
        sim.clear();
        // the records of earlier tests' requests land asynchronously: wait for them before counting
        assertThat(Await.until(() -> gw.gateway().store().usage().count() == sent, Duration.ofSeconds(10))).isTrue();
        UsageGroup before = recorded(target);
        Seen seen = see(client, target, stream, false);
        assertThat(seen.text()).isEqualTo(PROMPT);
        assertThat(seen.finish()).isEqualTo("stop");
        assertThat(seen.input()).isEqualTo(10);
        assertThat(seen.output()).isEqualTo(4);
        upstreamGot(target, PROMPT);
        // what the gateway accounted is what the client saw, streams included, whatever the formats
        assertThat(Await.until(() -> recorded(target).requests() == before.requests() + 1, Duration.ofSeconds(10)))
                .as("one usage record for the request").isTrue();
        UsageGroup after = recorded(target);
        assertThat(after.inputTokens() - before.inputTokens()).isEqualTo(10);
        assertThat(after.outputTokens() - before.outputTokens()).isEqualTo(4);
    }

    /** The stored usage of a target's public model so far (each test's requests run one at a time). */
    private static UsageGroup recorded(Target target) {
        return gw.gateway().store().usage().summarize(UsageGroup.By.MODEL, Instant.EPOCH, Instant.now().plusSeconds(86_400)).stream()
                .filter(g -> target.model().equals(g.group())).findFirst()
                .orElse(new UsageGroup(target.model(), 0, 0, 0, null));
    }

    @ParameterizedTest(name = "{0} client → {1}, stream={2}")
    @MethodSource("matrix")
    void toolCall(String client, Target target, boolean stream) {
        sim.clear();
        Seen seen = see(client, target, stream, true);
        assertThat(seen.toolName()).isEqualTo("get_weather");
        assertThat(seen.toolArguments().path("city").isTextual()).as(seen.toolArguments().toString()).isTrue();
        assertThat(seen.finish()).isEqualTo("tool_calls");
        // 3 + (3 + 4) + the tool (8 + 1 + 4)
        assertThat(seen.input()).isEqualTo(23);
        assertThat(seen.output()).isPositive();
        upstreamGot(target, TOOL_PROMPT);
    }

    @org.junit.jupiter.api.Test
    void geminiEmbedContent_onAnOpenAiFormatDeployment_crossesFormats() {
        sim.clear();
        sent++;
        var r = gw.post("/v1beta/models/m-openai:embedContent", "{\"content\":{\"parts\":[{\"text\":\"alpha beta\"}]},\"outputDimensionality\":8}",
                "x-goog-api-key", GatewayFixture.MASTER_KEY, "authorization", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(parse(r.body()).at("/embedding/values")).hasSize(8);
        var got = sim.last();
        assertThat(got.path()).isEqualTo("/v1/embeddings");
        assertThat(got.json().get("model").asText()).isEqualTo("sim-openai");
        assertThat(got.json().get("input").toString()).isEqualTo("[\"alpha beta\"]");
        assertThat(got.json().get("dimensions").asInt()).isEqualTo(8);
    }

    /** Requests this class has sent (every test sends one): each becomes one usage record, written a little later. */
    private static int sent;

    private static Seen see(String client, Target target, boolean stream, boolean tool) {
        sent++;
        return switch (client) {
            case "openai" -> openAi(target, stream, tool);
            case "anthropic" -> anthropic(target, stream, tool);
            default -> gemini(target, stream, tool);
        };
    }

    private static void upstreamGot(Target target, String prompt) {
        if (target.path() == null) {
            assertThat(sim.received()).isEmpty();
            return;
        }
        var got = sim.last();
        assertThat(got.path()).startsWith(target.path());
        assertThat(got.body()).contains(prompt);
        if (target == GEMINI) {
            // the model is in the path, the key in its own header
            assertThat(got.headers().get("x-goog-api-key")).isEqualTo("k-gemini");
            return;
        }
        assertThat(got.json().get("model").asText()).isEqualTo(target == OPENAI ? "sim-openai" : "sim-anthropic");
        assertThat(got.headers().get(target == OPENAI ? "authorization" : "x-api-key"))
                .isEqualTo(target == OPENAI ? "Bearer k-openai" : "k-anthropic");
    }

    // ------------------------------------------------------------------ the OpenAI SDK

    private static Seen openAi(Target target, boolean stream, boolean tool) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(target.model())
                .addUserMessage(tool ? TOOL_PROMPT : PROMPT);
        if (tool) {
            b.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                    .description("Weather for a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                            .putAdditionalProperty("properties", com.openai.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .putAdditionalProperty("required", com.openai.core.JsonValue.from(List.of("city")))
                            .build())
                    .build()).build());
        }
        ChatCompletion c;
        if (stream) {
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (var s = gw.openai().chat().completions().createStreaming(
                    b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
                s.stream().forEach((ChatCompletionChunk chunk) -> acc.accumulate(chunk));
            }
            c = acc.chatCompletion();
        } else {
            c = gw.openai().chat().completions().create(b.build());
        }
        assertThat(c.model()).isEqualTo(target.model());
        var choice = c.choices().getFirst();
        var calls = choice.message().toolCalls().orElse(List.of());
        String name = calls.isEmpty() ? null : calls.getFirst().asFunction().function().name();
        JsonNode args = calls.isEmpty() ? null : parse(calls.getFirst().asFunction().function().arguments());
        var usage = c.usage().orElseThrow();
        return new Seen(choice.message().content().orElse(""), name, args, choice.finishReason().asString(), usage.promptTokens(),
                usage.completionTokens());
    }

    // ------------------------------------------------------------------ the Anthropic SDK

    private static Seen anthropic(Target target, boolean stream, boolean tool) {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(target.model()).maxTokens(256)
                .addUserMessage(tool ? TOOL_PROMPT : PROMPT);
        if (tool) {
            b.addTool(Tool.builder().name("get_weather").description("Weather for a city")
                    .inputSchema(Tool.InputSchema.builder()
                            .properties(Tool.InputSchema.Properties.builder()
                                    .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                            .addRequired("city").build())
                    .build());
        }
        Message m;
        if (stream) {
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(b.build())) {
                s.stream().forEach(acc::accumulate);
            }
            m = acc.message();
        } else {
            m = anthropic.messages().create(b.build());
        }
        assertThat(m.model().asString()).isEqualTo(target.model());
        StringBuilder text = new StringBuilder();
        String name = null;
        JsonNode args = null;
        for (ContentBlock block : m.content()) {
            if (block.isText()) text.append(block.asText().text());
            if (block.isToolUse() && name == null) {
                name = block.asToolUse().name();
                args = Json.MAPPER.valueToTree(block.asToolUse()._input().convert(Object.class));
            }
        }
        StopReason stop = m.stopReason().orElseThrow();
        String finish = stop.equals(StopReason.TOOL_USE) ? "tool_calls" : stop.equals(StopReason.END_TURN) ? "stop" : stop.asString();
        return new Seen(text.toString(), name, args, finish, m.usage().inputTokens(), m.usage().outputTokens());
    }

    // ------------------------------------------------------------------ Gemini, over raw HTTP as its SDKs send it

    private static Seen gemini(Target target, boolean stream, boolean tool) {
        var body = Json.object();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", tool ? TOOL_PROMPT : PROMPT);
        if (tool) {
            var fn = body.putArray("tools").addObject().putArray("functionDeclarations").addObject();
            fn.put("name", "get_weather").put("description", "Weather for a city");
            fn.set("parameters", parse("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"));
        }
        String path = "/v1beta/models/" + target.model() + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        // an empty authorization keeps the fixture from adding its Bearer key: the key goes as Gemini SDKs send it
        var r = gw.post(path, body.toString(), "x-goog-api-key", GatewayFixture.MASTER_KEY, "authorization", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        if (stream) {
            for (String line : r.body().split("\n")) if (line.startsWith("data: ")) chunks.add(parse(line.substring(6)));
        } else {
            chunks.add(parse(r.body()));
        }
        StringBuilder text = new StringBuilder();
        String name = null;
        JsonNode args = null;
        String finish = null;
        JsonNode usage = null;
        for (JsonNode c : chunks) {
            assertThat(c.path("modelVersion").asText()).isEqualTo(target.model());
            JsonNode cand = c.path("candidates").path(0);
            for (JsonNode part : cand.path("content").path("parts")) {
                if (part.has("text") && !part.path("thought").asBoolean()) text.append(part.get("text").asText());
                if (part.has("functionCall") && name == null) {
                    name = part.get("functionCall").path("name").asText();
                    args = part.get("functionCall").path("args");
                }
            }
            if (cand.hasNonNull("finishReason")) finish = cand.get("finishReason").asText();
            if (c.has("usageMetadata")) usage = c.get("usageMetadata");
        }
        assertThat(usage).as("usageMetadata").isNotNull();
        // Gemini says STOP for an answer that calls a function
        String neutral = "STOP".equals(finish) ? (name != null ? "tool_calls" : "stop") : finish;
        return new Seen(text.toString(), name, args, neutral, usage.path("promptTokenCount").asLong(), usage.path("candidatesTokenCount").asLong());
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("tool arguments are not JSON: " + json, e);
        }
    }
}
