package dev.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.OpenAiCalls;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole canonical path to Cohere: the official OpenAI Java SDK → the gateway's OpenAI ingress
 * → the {@code cohere} adapter → the standalone simulator speaking Cohere v2 Chat (with a Bearer
 * key it checks). Usage follows the simulator's formula, so it is asserted exactly, and the
 * request the simulator received is checked as Cohere would see it.
 */
class CohereThroughGatewayTest {

    static final String UPSTREAM_KEY = "co-sim-upstream-key";
    static SimulatorServer sim;
    static GatewayFixture gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, UPSTREAM_KEY);
        gw = GatewayFixture.builder()
                .env("SIM_KEY", UPSTREAM_KEY)
                .config("""
                        models:
                          command:
                            - provider: cohere
                              upstreamModel: command-a-03-2025
                              baseUrl: %1$s
                              credentials: { apiKey: "${SIM_KEY}" }
                          command-badkey:
                            - provider: cohere
                              upstreamModel: command-a-03-2025
                              baseUrl: %1$s
                              credentials: { apiKey: not-the-key }
                        """.formatted(sim.rootUrl()))
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
        gw.resetRouting();
    }

    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("command").addUserMessage(text);
    }

    @Test
    void chat_text_reachesCohereAsV2Chat_withExactUsage() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(chat("Hello there, gateway").build());
        ChatCompletion c = raw.parse();
        assertThat(c.model()).isEqualTo("command");
        assertThat(c.choices().get(0).message().content()).contains("Hello there, gateway");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // prompt = 3 + (3 + 3 words); completion = 3 words
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);

        SimulatorServer.Received up = sim.last();
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v2/chat");
        assertThat(up.json()).isEqualTo(json("""
                {"model":"command-a-03-2025","messages":[{"role":"user","content":"Hello there, gateway"}]}"""));
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(up.headers().get("content-type")).isEqualTo("application/json");
        assertThat(up.toString()).doesNotContain(GatewayFixture.MASTER_KEY);
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("cohere");
        assertThat(raw.headers().values("x-switchboard-upstream-model")).containsExactly("command-a-03-2025");
    }

    @Test
    void chat_systemAndParameters_becomeCohereFields() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("command")
                .addSystemMessage("You are terse and exact")
                .addUserMessage("Say hi")
                .temperature(0.25).topP(0.5).maxCompletionTokens(64).stop("END").seed(7L).build());
        // 3 + (3 + 5) + (3 + 2)
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(16);
        assertThat(sim.last().json()).isEqualTo(json("""
                {"model":"command-a-03-2025",
                 "messages":[{"role":"system","content":"You are terse and exact"},{"role":"user","content":"Say hi"}],
                 "temperature":0.25,"p":0.5,"max_tokens":64,"stop_sequences":["END"],"seed":7}"""));
    }

    @Test
    void chat_maxTokensBelowAnswer_finishesWithLength() {
        ChatCompletion c = client.chat().completions().create(chat("one two three four five").maxCompletionTokens(2).build());
        assertThat(c.choices().get(0).message().content()).contains("one two");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(2);
    }

    @Test
    void stream_text_showsExactUsageWhenAsked() {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        // prompt = 3 + (3 + 4); completion = 4 words; from message-end
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(sim.last().json().get("stream").asBoolean()).isTrue();
        assertThat(sim.last().headers().get("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void chat_toolCall_fromToolCalls() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool()).build());
        var choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.parse(call.function().arguments())).isEqualTo(json("{\"city\":\"city\",\"unit\":\"celsius\",\"days\":2}"));
        JsonNode up = sim.last().json();
        assertThat(up.at("/tools/0/type").asText()).isEqualTo("function");
        assertThat(up.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(up.at("/tools/0/function/description").asText()).isEqualTo("Weather for a city");
        assertThat(up.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("city");
        assertThat(up.has("tool_choice")).isFalse();
    }

    @Test
    void stream_toolCall_argumentFragmentsReassembleInTheSdk() throws Exception {
        List<ChatCompletionChunk> chunks = OpenAiCalls.stream(client, chat("Weather in Paris?").addFunctionTool(OpenAiCalls.weatherTool())
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        StringBuilder args = new StringBuilder();
        String name = null;
        String id = null;
        int pieces = 0;
        for (ChatCompletionChunk c : chunks) {
            for (var ch : c.choices()) {
                for (var tc : ch.delta().toolCalls().orElse(List.of())) {
                    assertThat(tc.index()).isZero();
                    if (tc.id().isPresent()) id = tc.id().get();
                    if (tc.function().flatMap(f -> f.name()).isPresent()) name = tc.function().get().name().get();
                    String a = tc.function().flatMap(f -> f.arguments()).orElse("");
                    if (!a.isEmpty()) pieces++;
                    args.append(a);
                }
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(id).startsWith("call_");
        assertThat(pieces).isGreaterThan(1);
        assertThat(Json.parse(args.toString())).isEqualTo(json("{\"city\":\"city\",\"unit\":\"celsius\",\"days\":2}"));
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()))
                .containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        // one content chunk per 16-character piece of the 39-character arguments, plus 1 for the call
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(4);
    }

    @Test
    void chat_toolResults_goBackAsAssistantToolCallsAndToolMessages() {
        ChatCompletionMessageToolCall call = ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id("call_paris").function(ChatCompletionMessageFunctionToolCall.Function.builder()
                        .name("get_weather").arguments("{\"city\": \"Paris\"}").build()).build());
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("command")
                .addUserMessage("Weather in Paris?")
                .addMessage(ChatCompletionAssistantMessageParam.builder().toolCalls(List.of(call)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_paris").content("18 degrees").build())
                .addFunctionTool(OpenAiCalls.weatherTool())
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.AUTO)
                .build());
        assertThat(c.choices().get(0).message().content()).contains("18 degrees");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(sim.last().json().get("messages")).isEqualTo(json("""
                [{"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","tool_calls":[
                   {"id":"call_paris","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_paris","content":"18 degrees"}]"""));
        // 3 + user (3 + 3) + assistant (3 + 1 + 2) + tool (3 + 2) + tool definition (8 + 1 + 4)
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(3 + 6 + 6 + 5 + 13);
    }

    @Test
    void errors_cohereStatusesMapToGatewayErrors() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("[sim status=429 retry_after=2] hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.code()).contains("rate_limit_exceeded"));
        sim.clear();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("command-badkey")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
        assertThat(sim.last().headers().get("authorization")).isEqualTo("Bearer not-the-key");
    }

    @Test
    void stream_cutMidway_reachesSdkAsError() {
        assertThatThrownBy(() -> OpenAiCalls.stream(client, chat("[sim cut_after=3] one two three four five six").build()))
                .isInstanceOf(OpenAIException.class);
    }

    private static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
