package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.OpenAiCalls;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole canonical path: the official OpenAI Java SDK → the gateway → the {@code bedrock}
 * adapter (SigV4-signed Converse and ConverseStream) → the standalone simulator speaking Bedrock,
 * which checks the signature's shape and key id. Usage follows the simulator's formula exactly.
 */
class BedrockThroughGatewayTest {

    static final String KEY_ID = "AKIDSIMULATOR0000001";
    static final String MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0";
    static SimulatorServer sim;
    static GatewayFixture gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, KEY_ID);
        gw = GatewayFixture.builder()
                .env("SIM_SECRET", "sim-secret-access-key")
                .config("""
                        models:
                          haiku:
                            - provider: bedrock
                              upstreamModel: "%2$s"
                              baseUrl: %1$s
                              credentials: { accessKeyId: %3$s, secretAccessKey: "${SIM_SECRET}", region: us-west-2 }
                          haiku-otherkey:
                            - provider: bedrock
                              upstreamModel: "%2$s"
                              baseUrl: %1$s
                              credentials: { accessKeyId: AKIDSOMEONEELSE, secretAccessKey: x, region: us-west-2 }
                        """.formatted(sim.rootUrl(), MODEL_ID, KEY_ID))
                .start();
        client = gw.openai();
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        sim.close();
    }

    @BeforeEach
    void clear() {
        sim.clear();
    }

    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("haiku").addUserMessage(text);
    }

    private static JsonNode json(String s) {
        try {
            return Json.parse(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    @Test
    void chat_text_reachesConverseSigned_withExactUsage() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(chat("Hello there, gateway").maxCompletionTokens(64).temperature(0.5).build());
        ChatCompletion c = raw.parse();
        assertThat(c.model()).isEqualTo("haiku");
        assertThat(c.choices().get(0).message().content()).contains("Hello there, gateway");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // prompt = 3 + (3 + 3 words); completion = 3 words
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);

        SimulatorServer.Received up = sim.last();
        assertThat(up.path()).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        assertThat(up.json()).isEqualTo(json("""
                {"messages":[{"role":"user","content":[{"text":"Hello there, gateway"}]}],
                 "inferenceConfig":{"maxTokens":64,"temperature":0.5}}"""));
        String date = up.headers().get("x-amz-date");
        assertThat(date).matches("\\d{8}T\\d{6}Z");
        assertThat(up.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/" + date.substring(0, 8)
                + "/us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=");
        assertThat(up.headers().get("x-amz-security-token")).isNull();
        assertThat(up.toString()).doesNotContain("sim-secret-access-key").doesNotContain(GatewayFixture.MASTER_KEY);
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("bedrock");
        assertThat(raw.headers().values("x-switchboard-upstream-model")).containsExactly(MODEL_ID);
    }

    @Test
    void stream_text_withIncludeUsage_fromTheBinaryEventStream() {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        // prompt = 3 + (3 + 4); completion = 4 words, from the metadata event
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(14);
        assertThat(sim.last().path()).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream");
        assertThat(sim.last().headers().get("accept")).isEqualTo("application/vnd.amazon.eventstream");
    }

    @Test
    void stream_toolCall_reassemblesFromToolUseInputFragments() throws Exception {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("Weather in Paris?").addFunctionTool(weatherTool())
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        StringBuilder args = new StringBuilder();
        String name = null;
        String id = null;
        for (ChatCompletionChunk c : chunks) {
            for (var ch : c.choices()) {
                for (var tc : ch.delta().toolCalls().orElse(List.of())) {
                    assertThat(tc.index()).isZero();
                    if (tc.id().isPresent()) id = tc.id().get();
                    if (tc.function().flatMap(f -> f.name()).isPresent()) name = tc.function().get().name().get();
                    args.append(tc.function().flatMap(f -> f.arguments()).orElse(""));
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(id).isNotBlank();
        assertThat(Json.parse(args.toString())).isEqualTo(json("{\"city\":\"city\"}"));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        JsonNode up = sim.last().json();
        assertThat(up.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        assertThat(up.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0").asText()).isEqualTo("city");
    }

    @Test
    void jsonSchema_isAnsweredThroughTheAnswerTool_asTextWhole_andStreamed() throws Exception {
        var format = com.openai.models.ResponseFormatJsonSchema.builder().jsonSchema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.builder()
                .name("contact").schema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("email", Map.of("type", "string", "format", "email"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("email")))
                        .build()).build()).build();
        ChatCompletion c = client.chat().completions().create(chat("Extract the contact").responseFormat(format).build());
        assertThat(c.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(Json.parse(c.choices().get(0).message().content().orElseThrow())).isEqualTo(json("{\"email\":\"user@example.com\"}"));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode up = sim.last().json();
        assertThat(up.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo(JsonAnswerTool.NAME);
        assertThat(up.at("/toolConfig/tools/0/toolSpec/inputSchema/json/required/0").asText()).isEqualTo("email");
        assertThat(up.at("/toolConfig/toolChoice/tool/name").asText()).isEqualTo(JsonAnswerTool.NAME);

        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("Extract the contact").responseFormat(format).build());
        String text = chunks.stream().flatMap(ch -> ch.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(Json.parse(text)).isEqualTo(json("{\"email\":\"user@example.com\"}"));
        assertThat(chunks.stream().flatMap(ch -> ch.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void chat_wrongAccessKeyId_isRefusedUpstream() {
        var resp = gw.post("/v1/chat/completions", "{\"model\":\"haiku-otherkey\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + GatewayFixture.MASTER_KEY, "content-type", "application/json");
        assertThat(resp.statusCode()).isEqualTo(502);
        assertThat(resp.body()).contains("upstream_error").doesNotContain("security token");
        assertThat(sim.last().headers().get("authorization")).contains("Credential=AKIDSOMEONEELSE/");
    }
}
