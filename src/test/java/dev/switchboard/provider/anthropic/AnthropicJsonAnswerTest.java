package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.JsonAnswerTool.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A call of the JSON answer tool comes back as the answer's text, whole or streamed; other tool calls stay tool calls. */
class AnthropicJsonAnswerTest {

    static final String ANSWER = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
            + "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"json_answer\",\"input\":{\"fruits\":[\"apple\",\"pear\"]}}],"
            + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":9}}";

    @Test
    void json_theAnswerToolsInput_isTheText_andTheTurnStops() throws Exception {
        ChatResponse r = AnthropicResponseDecoder.decode(Json.parse(ANSWER), 1, NAME);
        ChatResponse.Choice c = r.choices().get(0);
        assertThat(c.message().toolCalls()).isEmpty();
        assertThat(Json.parse(c.message().text())).isEqualTo(Json.parse("{\"fruits\":[\"apple\",\"pear\"]}"));
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().outputTokens()).isEqualTo(9);
    }

    @Test
    void json_withoutJsonMode_theSameBlockIsAToolCall() throws Exception {
        ChatResponse r = AnthropicResponseDecoder.decode(Json.parse(ANSWER), 1, null);
        assertThat(r.choices().get(0).message().toolCalls()).singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo(NAME));
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void json_aClientToolCalledInstead_staysAToolCall() throws Exception {
        String body = ANSWER.replace("\"name\":\"json_answer\"", "\"name\":\"lookup\"");
        ChatResponse r = AnthropicResponseDecoder.decode(Json.parse(body), 1, NAME);
        assertThat(r.choices().get(0).message().toolCalls()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("lookup"));
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    /** Anthropic's event sequence for a forced tool call, the input in fragments. */
    static List<String> streamOf(String toolName, String... fragments) {
        List<String> events = new ArrayList<>();
        events.add("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
                + "\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}");
        events.add("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\""
                + toolName + "\",\"input\":{}}}");
        for (String f : fragments) {
            events.add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":"
                    + Json.NODES.textNode(f) + "}}");
        }
        events.add("{\"type\":\"content_block_stop\",\"index\":0}");
        events.add("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}");
        events.add("{\"type\":\"message_stop\"}");
        return events;
    }

    static List<StreamEvent> decode(List<String> events, String jsonTool) throws Exception {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(1, jsonTool);
        List<StreamEvent> out = new ArrayList<>();
        for (String e : events) decoder.decode(Json.parse(e), out::add);
        return out;
    }

    @Test
    void stream_theAnswerToolsFragments_areTextDeltas() throws Exception {
        List<StreamEvent> out = decode(streamOf(NAME, "", "{\"fruits\": [\"ap", "ple\"]", "}"), NAME);
        assertThat(out).noneMatch(e -> e instanceof StreamEvent.ToolCallStart || e instanceof StreamEvent.ToolCallDelta);
        assertThat(out).filteredOn(StreamEvent.TextDelta.class::isInstance).map(e -> ((StreamEvent.TextDelta) e).text())
                .containsExactly("{\"fruits\": [\"ap", "ple\"]", "}");
        assertThat(out).contains(new StreamEvent.Finish(0, FinishReason.STOP));
    }

    @Test
    void stream_anAnswerWithNoFragments_isAnEmptyObject() throws Exception {
        List<StreamEvent> out = decode(streamOf(NAME), NAME);
        assertThat(out).filteredOn(StreamEvent.TextDelta.class::isInstance).containsExactly(new StreamEvent.TextDelta(0, "{}"));
    }

    @Test
    void stream_aClientToolBesideJsonMode_isStillAToolCall_numberedFromZero() throws Exception {
        List<StreamEvent> out = decode(streamOf("lookup", "{\"q\":1}"), NAME);
        assertThat(out).contains(new StreamEvent.ToolCallStart(0, 0, "toolu_1", "lookup"), new StreamEvent.ToolCallDelta(0, 0, "{\"q\":1}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS));
        assertThat(out).noneMatch(StreamEvent.TextDelta.class::isInstance);
    }
}
