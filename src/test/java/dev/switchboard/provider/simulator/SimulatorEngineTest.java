package dev.switchboard.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.ingress.openai.OpenAiChatDecoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat side of the simulator: echo, tool-call rules, usage formula and truncation (see the class Javadoc). */
class SimulatorEngineTest {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final SimulatorEngine ENGINE = new SimulatorEngine(Clock.fixed(NOW, ZoneOffset.UTC));

    static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","description":"Get the weather for a city",
             "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["c","f"]}}}}}""";
    static final String TIME_TOOL = """
            {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"tz":{"const":"UTC"}}}}}""";
    /** What SchemaSampler makes of WEATHER_TOOL's parameters: 26 characters, so 2 pieces of 16. */
    static final String WEATHER_ARGS = "{\"city\":\"city\",\"unit\":\"c\"}";

    static ChatRequest request(String json) {
        try {
            return OpenAiChatDecoder.decode(Json.parse(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ChatRequest userSays(String text) {
        return request("{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":" + Json.text(Json.NODES.textNode(text)) + "}]}");
    }

    static String text(ChatResponse r, int choice) {
        return r.choices().get(choice).message().text();
    }

    static List<ContentPart.ToolCall> calls(ChatResponse r) {
        return r.choices().getFirst().message().toolCalls();
    }

    @Test
    void pieces_neverSplitASurrogatePair() {
        String emoji = "ab" + "\uD83D\uDE00".repeat(16); // 2 + 32 UTF-16 units
        List<String> pieces = SimulatorEngine.pieces(emoji);
        assertThat(String.join("", pieces)).isEqualTo(emoji);
        for (String p : pieces) {
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).as(p).isFalse();
            assertThat(Character.isLowSurrogate(p.charAt(0))).as(p).isFalse();
        }
        assertThat(SimulatorEngine.pieces("x".repeat(40))).extracting(String::length).containsExactly(16, 16, 8);
    }

    @Test
    void response_echoesLastMessageText() {
        ChatRequest req = request("""
                {"model":"my-sim","messages":[{"role":"system","content":"You are terse."},
                 {"role":"user","content":"first question"},{"role":"assistant","content":"an answer"},
                 {"role":"user","content":"hello big world"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(r.choices()).hasSize(1);
        assertThat(text(r, 0)).isEqualTo("hello big world");
        assertThat(r.choices().getFirst().message().role()).isEqualTo(Role.ASSISTANT);
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.model()).isEqualTo("my-sim");
        assertThat(r.created()).isEqualTo(NOW.getEpochSecond());
        assertThat(r.id()).matches("chatcmpl-sim-[0-9a-f]{20}");
    }

    @Test
    void response_endsBeforeTheEarliestStopSequence() {
        ChatResponse r = ENGINE.response(request("""
                {"model":"sim","messages":[{"role":"user","content":"one two three four"}],"stop":["four","thr"]}"""));
        assertThat(text(r, 0)).isEqualTo("one two ");
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.choices().getFirst().stopSequence()).as("the one met first").isEqualTo("thr");
        assertThat(r.usage().outputTokens()).isEqualTo(2);
        assertThat(ENGINE.events(request("""
                {"model":"sim","messages":[{"role":"user","content":"one two three four"}],"stop":["four","thr"]}""")))
                .filteredOn(e -> e instanceof dev.switchboard.model.StreamEvent.Finish)
                .containsExactly(new dev.switchboard.model.StreamEvent.Finish(0, FinishReason.STOP, "thr"));
        // cut by max_tokens before the stop sequence: a length stop, no sequence
        ChatResponse cut = ENGINE.response(request("""
                {"model":"sim","messages":[{"role":"user","content":"one two three four"}],"stop":["four"],"max_tokens":1}"""));
        assertThat(cut.choices().getFirst().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.choices().getFirst().stopSequence()).isNull();
        ChatResponse none = ENGINE.response(request("""
                {"model":"sim","messages":[{"role":"user","content":"one two"}],"stop":"zzz"}"""));
        assertThat(text(none, 0)).isEqualTo("one two");
        assertThat(none.choices().getFirst().stopSequence()).isNull();
    }

    @Test
    void response_echoJoinsTextContentParts() {
        ChatRequest req = request("""
                {"model":"sim","messages":[{"role":"user","content":[{"type":"text","text":"look at "},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"text","text":"this"}]}]}""");
        assertThat(text(ENGINE.response(req), 0)).isEqualTo("look at this");
    }

    @Test
    void response_sameRequestTwice_isIdentical() {
        assertThat(ENGINE.response(userSays("same words"))).usingRecursiveComparison()
                .isEqualTo(ENGINE.response(userSays("same words")));
    }

    @Test
    void response_idDependsOnModelAndText() {
        String id = ENGINE.response(userSays("a")).id();
        assertThat(ENGINE.response(userSays("b")).id()).isNotEqualTo(id);
        ChatRequest otherModel = request("{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertThat(ENGINE.response(otherModel).id()).isNotEqualTo(id);
    }

    @Test
    void usage_textAnswer_followsPromptFormulaAndCountsOneTokenPerWord() {
        ChatRequest req = request("""
                {"model":"sim","messages":[{"role":"system","content":"You are terse."},
                 {"role":"user","content":"hello big   world"}]}""");
        // 3 + (3 + 3) + (3 + 3)
        assertThat(ENGINE.response(req).usage()).isEqualTo(Usage.of(15, 3));
    }

    @Test
    void usage_promptTokens_countToolCallsToolResultsAndToolDefinitions() {
        ChatRequest req = request("""
                {"model":"sim","tools":[%s],"messages":[
                 {"role":"user","content":"what is the weather"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny and warm"}]}""".formatted(WEATHER_TOOL));
        // messages: (3+4) + (3 + 0 + words("get_weather")=1 + words("{\"city\": \"Paris\"}")=2) + (3+3)
        // tool: 8 + words("get_weather")=1 + words("Get the weather for a city")=6
        assertThat(SimulatorEngine.promptTokens(req)).isEqualTo(3 + 7 + 6 + 6 + 15);
        ChatResponse r = ENGINE.response(req);
        assertThat(r.usage()).isEqualTo(Usage.of(37, 3)); // the last message is a tool result: echo, no call
        assertThat(text(r, 0)).isEqualTo("sunny and warm");
    }

    @Test
    void usage_promptTokens_emptyConversationPartsCountOnlyOverheads() {
        assertThat(SimulatorEngine.promptTokens(userSays(""))).isEqualTo(6);
    }

    @Test
    void words_countsMaximalRunsOfNonWhitespace() {
        assertThat(SimulatorEngine.words(null)).isZero();
        assertThat(SimulatorEngine.words("")).isZero();
        assertThat(SimulatorEngine.words("   \t\n ")).isZero();
        assertThat(SimulatorEngine.words("one")).isEqualTo(1);
        assertThat(SimulatorEngine.words("  one\ttwo\n\nthree  ")).isEqualTo(3);
        assertThat(SimulatorEngine.words("{\"a\":1,\"b\":2}")).isEqualTo(1);
    }

    @Test
    void wordPieces_concatenateToTheTextExactly() {
        for (String s : List.of("a", " a", "a ", "  a  b\t\tc\n", "one two three", "\n")) {
            List<String> pieces = SimulatorEngine.wordPieces(s);
            assertThat(String.join("", pieces)).as("pieces of %s", s).isEqualTo(s);
        }
        assertThat(SimulatorEngine.wordPieces("one two  three")).containsExactly("one", " two", "  three");
        assertThat(SimulatorEngine.wordPieces("")).isEmpty();
    }

    @Test
    void completionTokens_unicodeWhitespace_countsEachWordAsOneChunk() {
        // U+2003 EM SPACE and U+3000 IDEOGRAPHIC SPACE are whitespace to words(): three words, so three chunks
        String text = "alpha\u2003beta\u3000gamma";
        ChatResponse r = ENGINE.response(userSays(text));
        assertThat(text(r, 0)).isEqualTo(text);
        assertThat(r.usage().outputTokens()).isEqualTo(SimulatorEngine.words(text)).isEqualTo(3);
        assertThat(SimulatorEngine.wordPieces(text)).containsExactly("alpha", "\u2003beta", "\u3000gamma");
    }

    @Test
    void maxTokens_belowWordCount_truncatesWithFinishLength() {
        ChatRequest req = request("""
                {"model":"sim","max_tokens":2,"messages":[{"role":"user","content":"one two three four five"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(text(r, 0)).isEqualTo("one two");
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.usage().outputTokens()).isEqualTo(2);
        assertThat(r.usage().inputTokens()).isEqualTo(3 + 3 + 5);
    }

    @Test
    void maxTokens_equalToWordCount_doesNotTruncate() {
        ChatRequest req = request("""
                {"model":"sim","max_completion_tokens":3,"messages":[{"role":"user","content":"one two three"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(text(r, 0)).isEqualTo("one two three");
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().outputTokens()).isEqualTo(3);
    }

    @Test
    void n_repeatsTheAnswerAndMultipliesCompletionTokens() {
        ChatRequest req = request("""
                {"model":"sim","n":3,"max_tokens":2,"messages":[{"role":"user","content":"a b c"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(r.choices()).extracting(ChatResponse.Choice::index).containsExactly(0, 1, 2);
        assertThat(r.choices()).allSatisfy(c -> {
            assertThat(c.message().text()).isEqualTo("a b");
            assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        });
        assertThat(r.usage()).isEqualTo(Usage.of(3 + 3 + 3, 2 * 3));
    }

    @Test
    void jsonObjectFormat_answersEchoObject() {
        ChatRequest req = request("""
                {"model":"sim","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"hi there"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(text(r, 0)).isEqualTo("{\"echo\":\"hi there\"}");
        assertThat(r.usage().outputTokens()).isEqualTo(2); // 20 characters in pieces of 16
    }

    @Test
    void jsonSchemaFormat_answersSampleOfTheSchemaInPiecesOf16() throws IOException {
        ChatRequest req = request("""
                {"model":"sim","response_format":{"type":"json_schema","json_schema":{"name":"person","schema":
                 {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18},
                 "email":{"type":"string","format":"email"}}}}},
                 "messages":[{"role":"user","content":"make one"}]}""");
        ChatResponse r = ENGINE.response(req);
        String answer = text(r, 0);
        assertThat(Json.parse(answer)).isEqualTo(Json.parse("{\"name\":\"name\",\"age\":18,\"email\":\"user@example.com\"}"));
        assertThat(r.usage().outputTokens()).isEqualTo((answer.length() + 15) / 16);
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void tools_autoWithLastMessageFromUser_callsFirstToolWithSampledArguments() {
        ChatRequest req = request("""
                {"model":"sim","tools":[%s,%s],"messages":[{"role":"user","content":"weather in Paris?"}]}"""
                .formatted(WEATHER_TOOL, TIME_TOOL));
        ChatResponse r = ENGINE.response(req);
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.choices().getFirst().message().content()).hasSize(1);
        ContentPart.ToolCall call = calls(r).getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo(WEATHER_ARGS);
        assertThat(call.id()).matches("call_[0-9a-f]{24}");
        // 1 for the call + 2 argument pieces
        assertThat(r.usage().outputTokens()).isEqualTo(3);
        // 3 + (3 + 3) + (8 + 1 + 6) + (8 + 1 + 0)
        assertThat(r.usage().inputTokens()).isEqualTo(33);
    }

    @Test
    void tools_autoWithLastMessageFromAssistant_answersText() {
        ChatRequest req = request("""
                {"model":"sim","tools":[%s],"messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":"go on"}]}""".formatted(WEATHER_TOOL));
        ChatResponse r = ENGINE.response(req);
        assertThat(calls(r)).isEmpty();
        assertThat(text(r, 0)).isEqualTo("go on");
    }

    @Test
    void tools_choiceNone_answersTextEvenAfterUser() {
        ChatRequest req = request("""
                {"model":"sim","tool_choice":"none","tools":[%s],"messages":[{"role":"user","content":"weather?"}]}"""
                .formatted(WEATHER_TOOL));
        ChatResponse r = ENGINE.response(req);
        assertThat(calls(r)).isEmpty();
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void tools_choiceRequired_callsEvenAfterToolResult() {
        ChatRequest req = request("""
                {"model":"sim","tool_choice":"required","tools":[%s,%s],"messages":[{"role":"user","content":"x"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"noon"}]}""".formatted(WEATHER_TOOL, TIME_TOOL));
        assertThat(calls(ENGINE.response(req))).extracting(ContentPart.ToolCall::name).containsExactly("get_weather");
    }

    @Test
    void tools_namedChoice_callsThatToolOnly() {
        ChatRequest req = request("""
                {"model":"sim","tool_choice":{"type":"function","function":{"name":"get_time"}},"parallel_tool_calls":true,
                 "tools":[%s,%s],"messages":[{"role":"assistant","content":"not from the user"}]}""".formatted(WEATHER_TOOL, TIME_TOOL));
        List<ContentPart.ToolCall> calls = calls(ENGINE.response(req));
        assertThat(calls).extracting(ContentPart.ToolCall::name).containsExactly("get_time");
        assertThat(calls.getFirst().arguments()).isEqualTo("{\"tz\":\"UTC\"}");
    }

    @Test
    void tools_parallelToolCallsTrue_callsEveryToolWithDistinctIds() {
        ChatRequest req = request("""
                {"model":"sim","parallel_tool_calls":true,"tools":[%s,%s],"messages":[{"role":"user","content":"both"}]}"""
                .formatted(WEATHER_TOOL, TIME_TOOL));
        ChatResponse r = ENGINE.response(req);
        assertThat(calls(r)).extracting(ContentPart.ToolCall::name).containsExactly("get_weather", "get_time");
        assertThat(calls(r)).extracting(ContentPart.ToolCall::id).doesNotHaveDuplicates();
        // (1 + 2) for the weather call + (1 + 1) for {"tz":"UTC"}
        assertThat(r.usage().outputTokens()).isEqualTo(5);
    }

    @Test
    void tools_parallelToolCallsTrueWithRequired_callsEveryTool() {
        ChatRequest req = request("""
                {"model":"sim","parallel_tool_calls":true,"tool_choice":"required","tools":[%s,%s],
                 "messages":[{"role":"assistant","content":"x"}]}""".formatted(WEATHER_TOOL, TIME_TOOL));
        assertThat(calls(ENGINE.response(req))).hasSize(2);
    }

    @Test
    void tools_parallelToolCallsFalse_callsFirstToolOnly() {
        ChatRequest req = request("""
                {"model":"sim","parallel_tool_calls":false,"tools":[%s,%s],"messages":[{"role":"user","content":"both"}]}"""
                .formatted(WEATHER_TOOL, TIME_TOOL));
        assertThat(calls(ENGINE.response(req))).extracting(ContentPart.ToolCall::name).containsExactly("get_weather");
    }

    @Test
    void tools_withNChoices_multiplyCallTokens() {
        ChatRequest req = request("""
                {"model":"sim","n":2,"tools":[%s],"messages":[{"role":"user","content":"w"}]}""".formatted(WEATHER_TOOL));
        ChatResponse r = ENGINE.response(req);
        assertThat(r.choices()).hasSize(2).allSatisfy(c -> assertThat(c.message().toolCalls()).hasSize(1));
        assertThat(r.usage().outputTokens()).isEqualTo(2 * 3);
    }

    @Test
    void tools_withoutParameters_callWithEmptyObjectArguments() {
        ChatRequest req = request("""
                {"model":"sim","tools":[{"type":"function","function":{"name":"ping"}}],"messages":[{"role":"user","content":"p"}]}""");
        ChatResponse r = ENGINE.response(req);
        assertThat(calls(r).getFirst().arguments()).isEqualTo("{}");
        assertThat(r.usage().outputTokens()).isEqualTo(2);
    }

    @Test
    void directiveInText_isStrippedFromEchoButCountedInPrompt() {
        ChatResponse r = ENGINE.response(userSays("[sim status=429 retry_after=2] hello there"));
        assertThat(text(r, 0)).isEqualTo("hello there");
        assertThat(r.usage()).isEqualTo(Usage.of(3 + 3 + 5, 2));
    }

    @Test
    void requestBuiltDirectly_isAnsweredLikeADecodedOne() {
        ChatRequest direct = new ChatRequest("sim", List.of(Message.text(Role.USER, "built by hand")), null, null, null,
                null, null, false, false, null);
        assertThat(ENGINE.response(direct)).usingRecursiveComparison().isEqualTo(ENGINE.response(userSays("built by hand")));
    }
}
