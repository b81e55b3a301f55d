package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A compatible server that sends a tool call without an id: the call gets one, so it can be answered. */
class MissingCallIdTest {

    @Test
    void json_aCallWithoutAnId_getsOne_andAGivenIdIsKept() throws Exception {
        var r = OpenAiResponseDecoder.decode(Json.parse("""
                {"id":"x","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","tool_calls":[
                  {"type":"function","function":{"name":"a","arguments":"{}"}},
                  {"id":"call_given","type":"function","function":{"name":"b","arguments":"{}"}}]}}]}"""));
        var calls = r.choices().getFirst().message().content().stream().map(p -> (ContentPart.ToolCall) p).toList();
        assertThat(calls.get(0).id()).matches("call_[0-9a-f]{24}");
        assertThat(calls.get(1).id()).isEqualTo("call_given");
    }

    @Test
    void stream_aCallWithoutAnId_getsOne() throws Exception {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>();
        decoder.onEvent((ObjectNode) Json.parse("""
                {"id":"x","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"type":"function","function":{"name":"a","arguments":"{\\"q\\""}}]}}]}"""), events::add);
        decoder.onEvent((ObjectNode) Json.parse("""
                {"id":"x","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}"""), events::add);
        var starts = events.stream().filter(e -> e instanceof StreamEvent.ToolCallStart).map(e -> (StreamEvent.ToolCallStart) e).toList();
        assertThat(starts).hasSize(1);
        assertThat(starts.getFirst().id()).matches("call_[0-9a-f]{24}");
    }
}
