package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.transport.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of {@link AnthropicRequestEncoder} that the golden fixtures do not show one by one. */
class AnthropicRequestEncoderTest {

    static final List<Message> HI = List.of(Message.text(Role.USER, "hi"));
    static final Tool TOOL = new Tool("lookup", null, null, null);

    static ChatRequest request(List<Message> messages, GenerationParams params) {
        return new ChatRequest("m", messages, null, null, null, params, null, false, false, null);
    }

    static GenerationParams params(Integer maxTokens, String effort) {
        return new GenerationParams(null, null, maxTokens, null, null, null, null, null, effort);
    }

    static ObjectNode encode(ChatRequest r, boolean reject) {
        return new AnthropicRequestEncoder("claude-x", reject).encode(r);
    }

    @ParameterizedTest(name = "effort {0}, max_tokens {1} -> max_tokens {2}, budget {3}")
    @CsvSource(nullValues = "-", value = {
            "-, -, 4096, -",
            "none, -, 4096, -",
            "minimal, -, 5120, 1024",
            "low, -, 5120, 1024",
            "medium, -, 8192, 4096",
            "HIGH, -, 20480, 16384",
            "high, 8000, 8000, 7999",
            "medium, 20000, 20000, 4096",
            "low, 1025, 1025, 1024"})
    void thinking_budgetByEffort_andMaxTokens(String effort, Integer maxTokens, int wantMax, Integer wantBudget) {
        ObjectNode body = encode(request(HI, params(maxTokens, effort)), true);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(wantMax);
        if (wantBudget == null) {
            assertThat(body.has("thinking")).isFalse();
        } else {
            assertThat(body.get("thinking")).isEqualTo(Json.object().put("type", "enabled").put("budget_tokens", wantBudget));
        }
    }

    @Test
    void thinking_maxTokensTooSmallForTheMinimumBudget_isDroppedOrRefused() {
        ChatRequest r = request(HI, params(1024, "high"));
        assertThat(encode(r, false).has("thinking")).isFalse();
        assertThatThrownBy(() -> encode(r, true)).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER);
            assertThat(e.param()).isEqualTo("reasoning_effort");
        });
    }

    @Test
    void thinking_unknownEffort_isAnInvalidRequest() {
        assertThatThrownBy(() -> encode(request(HI, params(null, "extreme")), false))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo("reasoning_effort");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"n", "seed", "presence_penalty", "frequency_penalty"})
    void unsupported_droppedByDefault_refusedUnderReject(String param) {
        GenerationParams p = new GenerationParams(null, null, null, null, param.equals("seed") ? 7L : null,
                param.equals("n") ? 2 : null, param.equals("presence_penalty") ? 0.5 : null,
                param.equals("frequency_penalty") ? 0.5 : null, null);
        ChatRequest r = new ChatRequest("m", HI, null, null, null, p, null, false, false, null);
        ObjectNode dropped = encode(r, false);
        assertThat(dropped).isEqualTo(encode(request(HI, null), false));
        assertThatThrownBy(() -> encode(r, true)).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).contains("'" + param + "'", "anthropic");
        });
    }

    static ChatRequest json(ResponseFormat format, List<Tool> tools, ToolChoice choice, Boolean parallel, String effort) {
        return new ChatRequest("m", HI, tools, choice, parallel, params(null, effort), format, false, false, null);
    }

    static final JsonNode ANY_OBJECT = Json.object().put("type", "object");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"json_object", "json_schema without a schema"})
    void jsonModeWithoutSchema_forcesTheAnswerTool_evenUnderReject(String kind) {
        ResponseFormat format = kind.equals("json_object") ? new ResponseFormat.JsonObject() : new ResponseFormat.JsonSchema("x", null, null);
        ChatRequest r = json(format, List.of(), null, null, null);
        assertThat(AnthropicRequestEncoder.answersThroughTool(r)).isTrue();
        ObjectNode body = encode(r, true);
        assertThat(body.get("tools")).hasSize(1);
        JsonNode tool = body.get("tools").get(0);
        assertThat(tool.get("name").asText()).isEqualTo(JsonAnswerTool.NAME);
        assertThat(tool.get("input_schema")).isEqualTo(ANY_OBJECT);
        assertThat(tool.get("description").asText()).contains("JSON object");
        assertThat(body.get("tool_choice")).isEqualTo(Json.object().put("type", "tool")
                .put("name", JsonAnswerTool.NAME).put("disable_parallel_tool_use", true));
        assertThat(body.has("output_config")).as("structured outputs need a closed schema").isFalse();
    }

    @Test
    void jsonModeBesideTheClientsTools_oneOfThemOrTheAnswer() {
        ObjectNode auto = encode(json(new ResponseFormat.JsonObject(), List.of(TOOL), null, null, null), true);
        assertThat(auto.get("tools").findValuesAsText("name")).containsExactly("lookup", JsonAnswerTool.NAME);
        assertThat(auto.get("tool_choice")).isEqualTo(Json.object().put("type", "any"));

        ObjectNode serial = encode(json(new ResponseFormat.JsonObject(), List.of(TOOL), ToolChoice.AUTO, false, null), true);
        assertThat(serial.get("tool_choice")).isEqualTo(Json.object().put("type", "any").put("disable_parallel_tool_use", true));

        ObjectNode none = encode(json(new ResponseFormat.JsonObject(), List.of(TOOL), ToolChoice.NONE, null, null), true);
        assertThat(none.at("/tool_choice/type").asText()).isEqualTo("tool");
        assertThat(none.at("/tool_choice/name").asText()).isEqualTo(JsonAnswerTool.NAME);
    }

    @Test
    void jsonMode_whenTheClientRequiresAToolCall_isThatCall() {
        for (ToolChoice choice : List.of(ToolChoice.REQUIRED, new ToolChoice.Named("lookup"))) {
            ChatRequest r = json(new ResponseFormat.JsonObject(), List.of(TOOL), choice, null, null);
            assertThat(AnthropicRequestEncoder.answersThroughTool(r)).isFalse();
            ObjectNode body = encode(r, true);
            assertThat(body.get("tools").findValuesAsText("name")).containsExactly("lookup");
        }
    }

    @Test
    void jsonMode_withThinking_offersTheAnswerTool() {
        ObjectNode body = encode(json(new ResponseFormat.JsonObject(), List.of(), null, null, "low"), true);
        assertThat(body.has("thinking")).isTrue();
        assertThat(body.get("tool_choice")).as("Anthropic takes only auto or none beside thinking")
                .isEqualTo(Json.object().put("type", "auto").put("disable_parallel_tool_use", true));
    }

    @Test
    void jsonSchemaWithASchema_goesAsStructuredOutput() throws Exception {
        JsonNode schema = Json.parse("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}");
        ChatRequest r = json(new ResponseFormat.JsonSchema("x", schema, true), List.of(), null, null, null);
        assertThat(AnthropicRequestEncoder.answersThroughTool(r)).isFalse();
        ObjectNode body = encode(r, true);
        assertThat(body.at("/output_config/format/schema")).isEqualTo(schema);
        assertThat(body.has("tools")).isFalse();
    }

    @Test
    void unsupported_contentPart_namesItsPlace() {
        ChatRequest r = request(List.of(new Message(Role.USER, List.of(new ContentPart.Text("listen"),
                new ContentPart.Audio("UklGRg==", "wav")), null)), null);
        assertThat(encode(r, false).at("/messages/0/content").asText()).isEqualTo("listen");
        assertThatThrownBy(() -> encode(r, true)).isInstanceOfSatisfying(GatewayError.class,
                e -> assertThat(e.param()).isEqualTo("messages[0].content[1]"));
        ChatRequest file = request(List.of(new Message(Role.USER, List.of(new ContentPart.File("file-abc", "a.pdf", null, null)), null)), null);
        assertThatThrownBy(() -> encode(file, true)).isInstanceOfSatisfying(GatewayError.class,
                e -> assertThat(e.param()).isEqualTo("messages[0].content[0]"));
    }

    @ParameterizedTest(name = "{0}, parallel {1} -> {2}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "-        | -     | -",
            "auto     | -     | {\"type\":\"auto\"}",
            "required | -     | {\"type\":\"any\"}",
            "none     | false | {\"type\":\"none\"}",
            "-        | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
            "required | false | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
            "named    | true  | {\"type\":\"tool\",\"name\":\"lookup\"}"})
    void toolChoice_mapsToAnthropicTypes(String choice, Boolean parallel, String want) throws Exception {
        ToolChoice c = choice == null ? null : switch (choice) {
            case "auto" -> ToolChoice.AUTO;
            case "required" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            default -> new ToolChoice.Named("lookup");
        };
        ObjectNode body = encode(new ChatRequest("m", HI, List.of(TOOL), c, parallel, null, null, false, false, null), true);
        if (want == null) assertThat(body.has("tool_choice")).isFalse();
        else assertThat(body.get("tool_choice")).isEqualTo(Json.parse(want));
        assertThat(body.at("/tools/0")).isEqualTo(Json.parse("{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}"));
    }

    @Test
    void toolChoice_withoutTools_isLeftOut() {
        ObjectNode body = encode(new ChatRequest("m", HI, null, ToolChoice.REQUIRED, false, null, null, false, false, null), true);
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @Test
    void toolArguments_emptyBecomeAnEmptyObject_andNonObjectsAreRefused() {
        List<Message> ok = List.of(Message.text(Role.USER, "go"), new Message(Role.ASSISTANT,
                List.of(new ContentPart.ToolCall("toolu_1", "lookup", "")), null));
        assertThat(encode(request(ok, null), true).at("/messages/1/content/0/input")).isEqualTo(Json.object());
        List<Message> bad = List.of(Message.text(Role.USER, "go"), new Message(Role.ASSISTANT,
                List.of(new ContentPart.ToolCall("toolu_1", "lookup", "[1, 2")), null));
        assertThatThrownBy(() -> encode(request(bad, null), false)).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.param()).isEqualTo("messages[1].tool_calls");
        });
    }

    @Test
    void turns_emptyTextsLeftOut_sameRolesMerged_toolResultsFirstInTheirTurn() throws Exception {
        List<Message> messages = List.of(
                Message.text(Role.SYSTEM, "be brief"),
                Message.text(Role.USER, ""),
                Message.text(Role.USER, "first"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Text(""), new ContentPart.ToolCall("t1", "lookup", "{}")), null),
                Message.text(Role.USER, "meanwhile"),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("t1", List.of(), false)), null),
                Message.text(Role.SYSTEM, "late system note"));
        ObjectNode body = encode(request(messages, null), true);
        assertThat(body.get("system")).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"be brief\"},{\"type\":\"text\",\"text\":\"late system note\"}]"));
        assertThat(body.get("messages")).isEqualTo(Json.parse("""
                [{"role":"user","content":"first"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"lookup","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"},{"type":"text","text":"meanwhile"}]}]"""));
    }

    @Test
    void toolResult_withImage_keepsBlocks() throws Exception {
        List<Message> messages = List.of(Message.text(Role.USER, "look"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("t1", "screenshot", "{}")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("t1", List.of(new ContentPart.Text("here"),
                        new ContentPart.Image(null, "image/png", "iVBORw0KGgo=", null)), false)), null));
        JsonNode result = encode(request(messages, null), true).at("/messages/2/content/0");
        assertThat(result).isEqualTo(Json.parse("""
                {"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"here"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}"""));
    }

    @Test
    void stream_isSetOnlyWhenStreaming() {
        assertThat(encode(request(HI, null), true).has("stream")).isFalse();
        ChatRequest s = new ChatRequest("m", HI, null, null, null, null, null, true, true, null);
        assertThat(encode(s, true).get("stream").asBoolean()).isTrue();
        assertThat(encode(s, true).has("stream_options")).isFalse();
    }

    @Test
    void thoughtTextWithItsSignatureOnTheNextPart_goesBackAsOneThinkingBlock() throws Exception {
        // a Gemini client returns a thought as {text, thought: true} and its signature on the part after it
        Message assistant = new Message(Role.ASSISTANT, List.of(
                new ContentPart.Reasoning("hm", null, false), new ContentPart.Reasoning("m", null, false),
                new ContentPart.Reasoning(null, "SIG123", false), new ContentPart.Text("answer"),
                new ContentPart.Reasoning("unsigned", null, false)), null);
        ObjectNode body = encode(request(List.of(Message.text(Role.USER, "q"), assistant, Message.text(Role.USER, "and?")),
                params(100, null)), false);
        assertThat(Json.parse(Json.text(body.at("/messages/1/content")))).isEqualTo(Json.parse("""
                [{"type":"thinking","thinking":"hmm","signature":"SIG123"},{"type":"text","text":"answer"}]"""));
    }

    @Test
    void thinking_afterAToolTurnWithoutItsThinkingBlock_isLeftOut_notSentToBeRefused() {
        Message unsigned = new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("hmm", null, false),
                new ContentPart.ToolCall("call_1", "lookup", "{}")), null);
        Message signed = new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("hmm", "SIG", false),
                new ContentPart.ToolCall("call_1", "lookup", "{}")), null);
        Message result = new Message(Role.TOOL, List.of(new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("42")), false)), null);
        Message plainAnswer = Message.text(Role.ASSISTANT, "an earlier answer");

        // an OpenAI client sends reasoning_content back without a signature: no thinking block can go back
        ObjectNode dropped = encode(request(List.of(Message.text(Role.USER, "q"), unsigned, result), params(null, "high")), false);
        assertThat(dropped.has("thinking")).isFalse();
        assertThat(dropped.get("max_tokens").asInt()).as("the default, without the dropped budget").isEqualTo(4096);
        GatewayError refused = catchThrowableOfType(GatewayError.class,
                () -> encode(request(List.of(Message.text(Role.USER, "q"), unsigned, result), params(null, "low")), true));
        assertThat(refused.param()).as("under reject").isEqualTo("reasoning_effort");
        // with its signature (a Responses or Anthropic client), thinking stays on
        ObjectNode kept = encode(request(List.of(Message.text(Role.USER, "q"), signed, result), params(null, "low")), false);
        assertThat(kept.has("thinking")).isTrue();
        assertThat(kept.at("/messages/1/content/0/type").asText()).isEqualTo("thinking");
        // an earlier plain answer needs no thinking block
        assertThat(encode(request(List.of(Message.text(Role.USER, "q"), plainAnswer, Message.text(Role.USER, "and?")),
                params(null, "low")), false).has("thinking")).isTrue();
    }

    @Test
    void systemMessagesAlone_areTheUserTurn_forAnthropicNeedsATurnToAnswer() {
        ObjectNode body = encode(request(List.of(Message.text(Role.SYSTEM, "Say hi.")), null), false);
        assertThat(body.has("system")).isFalse();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Say hi.");
        assertThat(body.get("messages")).hasSize(1);
    }
}
