package dev.switchboard.provider.bedrock;

import static dev.switchboard.provider.JsonAnswerTool.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.EventStreamDecoder;
import dev.switchboard.transport.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON mode on Converse, which has none: the answer tool on the models that take a forced tool, unsupported elsewhere. */
class BedrockJsonAnswerTest {

    static final String CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
    static final String LLAMA = "meta.llama3-1-70b-instruct-v1:0";
    static final Tool TOOL = new Tool("lookup", null, null, null);

    static ChatRequest request(ResponseFormat format, List<Tool> tools, ToolChoice choice, String effort) {
        return new ChatRequest("m", List.of(Message.text(Role.USER, "fruits?")), tools, choice, null,
                new GenerationParams(null, null, null, null, null, null, null, null, effort), format, false, false, null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"anthropic.claude-3-haiku-20240307-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0", "amazon.nova-pro-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0"})
    void forcedToolModels_takeTheAnswerTool(String modelId) {
        assertThat(BedrockRequestEncoder.answersThroughTool(request(new ResponseFormat.JsonObject(), List.of(), null, null), modelId)).isTrue();
    }

    @Test
    void jsonObject_forcesTheAnswerToolWithAnOpenSchema() throws Exception {
        JsonNode body = BedrockRequestEncoder.encode(request(new ResponseFormat.JsonObject(), List.of(), null, null), CLAUDE, true);
        assertThat(body.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo(NAME);
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json")).isEqualTo(Json.parse("{\"type\":\"object\"}"));
        assertThat(body.at("/toolConfig/toolChoice")).isEqualTo(Json.parse("{\"tool\":{\"name\":\"" + NAME + "\"}}"));
    }

    @Test
    void jsonSchema_isTheAnswerToolsInputSchema() throws Exception {
        JsonNode schema = Json.parse("{\"type\":\"object\",\"properties\":{\"fruits\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}");
        JsonNode body = BedrockRequestEncoder.encode(request(new ResponseFormat.JsonSchema("fruits", schema, true), List.of(), null, null), CLAUDE, true);
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json")).isEqualTo(schema);
    }

    @Test
    void besideTheClientsTools_any_underThinking_auto_andARequiredCallIsTheAnswer() throws Exception {
        JsonNode any = BedrockRequestEncoder.encode(request(new ResponseFormat.JsonObject(), List.of(TOOL), null, null), CLAUDE, true);
        assertThat(any.at("/toolConfig/tools").findValuesAsText("name")).containsExactly("lookup", NAME);
        assertThat(any.at("/toolConfig/toolChoice")).isEqualTo(Json.parse("{\"any\":{}}"));
        JsonNode thinking = BedrockRequestEncoder.encode(request(new ResponseFormat.JsonObject(), List.of(), null, "low"), CLAUDE, true);
        assertThat(thinking.at("/toolConfig/toolChoice")).isEqualTo(Json.parse("{\"auto\":{}}"));
        JsonNode required = BedrockRequestEncoder.encode(request(new ResponseFormat.JsonObject(), List.of(TOOL), ToolChoice.REQUIRED, null), CLAUDE, true);
        assertThat(required.at("/toolConfig/tools").findValuesAsText("name")).containsExactly("lookup");
    }

    @Test
    void otherModels_jsonModeIsUnsupported() {
        ChatRequest r = request(new ResponseFormat.JsonObject(), List.of(), null, null);
        assertThat(BedrockRequestEncoder.answersThroughTool(r, LLAMA)).isFalse();
        assertThat(BedrockRequestEncoder.encode(r, LLAMA, false).has("toolConfig")).as("dropped").isFalse();
        assertThatThrownBy(() -> BedrockRequestEncoder.encode(r, LLAMA, true)).isInstanceOfSatisfying(GatewayError.class,
                e -> assertThat(e.param()).isEqualTo("response_format"));
    }

    @Test
    void decode_json_theAnswerToolsInputIsTheText() throws Exception {
        String reply = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"toolUse\":{\"toolUseId\":\"tu_1\",\"name\":\"" + NAME
                + "\",\"input\":{\"fruits\":[\"fig\"]}}}]}},\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":3,\"outputTokens\":4,\"totalTokens\":7}}";
        ChatResponse r = BedrockResponseDecoder.decode(Json.parse(reply), "id", "m", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), NAME);
        assertThat(r.choices().get(0).message().toolCalls()).isEmpty();
        assertThat(Json.parse(r.choices().get(0).message().text())).isEqualTo(Json.parse("{\"fruits\":[\"fig\"]}"));
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    }

    /** The events {@code frames} decode to, with the JSON answer tool in use. */
    static List<StreamEvent> decode(EventStreamDecoder.Frame... frames) {
        BedrockStreamDecoder d = new BedrockStreamDecoder("id", "m", 1, NAME);
        List<StreamEvent> out = new ArrayList<>();
        for (EventStreamDecoder.Frame f : frames) d.onEvent(f, out::add);
        return out;
    }

    static EventStreamDecoder.Frame frame(String type, String payload) {
        return BedrockCodecTest.frame(type, payload);
    }

    @Test
    void decode_stream_theAnswerToolsFragmentsAreText() {
        List<StreamEvent> out = decode(
                frame("messageStart", "{\"role\":\"assistant\"}"),
                frame("contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_1\",\"name\":\"" + NAME + "\"}}}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"fruits\\\":\"}}}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"[\\\"fig\\\"]}\"}}}"),
                frame("contentBlockStop", "{\"contentBlockIndex\":0}"),
                frame("messageStop", "{\"stopReason\":\"tool_use\"}"));
        assertThat(out).containsExactly(new StreamEvent.Start("id", "m", 1), new StreamEvent.TextDelta(0, "{\"fruits\":"),
                new StreamEvent.TextDelta(0, "[\"fig\"]}"), new StreamEvent.Finish(0, FinishReason.STOP));
    }

    @Test
    void decode_stream_anAnswerWithNoInput_isAnEmptyObject() {
        List<StreamEvent> out = decode(
                frame("contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_1\",\"name\":\"" + NAME + "\"}}}"),
                frame("contentBlockStop", "{\"contentBlockIndex\":0}"),
                frame("messageStop", "{\"stopReason\":\"tool_use\"}"));
        assertThat(out).filteredOn(StreamEvent.TextDelta.class::isInstance).containsExactly(new StreamEvent.TextDelta(0, "{}"));
    }

    @Test
    void reasoningEffort_isThinkingForClaudeOnly_droppedOrRefusedElsewhere() {
        ChatRequest thinking = request(null, List.of(), null, "low");
        assertThat(BedrockRequestEncoder.encode(thinking, CLAUDE, true).at("/additionalModelRequestFields/thinking/type").asText()).isEqualTo("enabled");
        assertThat(BedrockRequestEncoder.encode(thinking, LLAMA, false).has("additionalModelRequestFields"))
                .as("Llama refuses Anthropic's thinking key").isFalse();
        assertThat(catchThrowableOfType(GatewayError.class, () -> BedrockRequestEncoder.encode(thinking, LLAMA, true)).param())
                .isEqualTo("reasoning_effort");
    }

    @Test
    void toolChoiceNone_leavesTheToolsOut_soNoneIsCalled() {
        JsonNode body = BedrockRequestEncoder.encode(request(null, List.of(TOOL), ToolChoice.NONE, null), CLAUDE, true);
        assertThat(body.has("toolConfig")).isFalse();
        assertThat(BedrockRequestEncoder.encode(request(null, List.of(TOOL), ToolChoice.AUTO, null), CLAUDE, true).has("toolConfig")).isTrue();
    }
}
