package dev.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereStreamDecoderTest {

    private static List<StreamEvent> decode(String... events) throws Exception {
        CohereStreamDecoder decoder = new CohereStreamDecoder("command-a", 42);
        List<StreamEvent> out = new ArrayList<>();
        for (String e : events) decoder.onEvent((ObjectNode) Json.parse(e), out::add);
        decoder.onEnd(out::add);
        return out;
    }

    @Test
    void stream_textThenToolCallInFragments_decodesIncrementally() throws Exception {
        List<StreamEvent> events = decode(
                "{\"type\":\"message-start\",\"id\":\"m1\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[]}}}",
                "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}",
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Let me\"}}}}",
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\" check\"}}}}",
                "{\"type\":\"content-end\",\"index\":0}",
                "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"Call it.\"}}}",
                "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"get_weather_0\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}}",
                "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"{\\\"ci\"}}}}}",
                "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"\"}}}}}",
                "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"ty\\\":\\\"Paris\\\"}\"}}}}}",
                "{\"type\":\"tool-call-end\",\"index\":0}",
                "{\"type\":\"tool-call-start\",\"index\":1,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"t2\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"now\",\"arguments\":\"{}\"}}}}}",
                "{\"type\":\"tool-call-end\",\"index\":1}",
                "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\",\"usage\":{\"billed_units\":{\"input_tokens\":3,"
                        + "\"output_tokens\":4},\"tokens\":{\"input_tokens\":30,\"output_tokens\":40}}}}");
        assertThat(events).containsExactly(
                new StreamEvent.Start("m1", "command-a", 42),
                new StreamEvent.TextDelta(0, "Let me"),
                new StreamEvent.TextDelta(0, " check"),
                new StreamEvent.ReasoningDelta(0, "Call it.", null),
                new StreamEvent.ToolCallStart(0, 0, "get_weather_0", "get_weather"),
                new StreamEvent.ToolCallDelta(0, 0, "{\"ci"),
                new StreamEvent.ToolCallDelta(0, 0, "ty\":\"Paris\"}"),
                new StreamEvent.ToolCallStart(0, 1, "t2", "now"),
                new StreamEvent.ToolCallDelta(0, 1, "{}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS),
                new StreamEvent.UsageReport(Usage.of(30, 40)));
    }

    @Test
    void stream_maxTokens_finishesWithLength_usageFromBilledUnits() throws Exception {
        List<StreamEvent> events = decode(
                "{\"type\":\"message-start\",\"id\":\"m2\"}",
                "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"one\"}}}}",
                "{\"type\":\"something-new\"}",
                "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"MAX_TOKENS\",\"usage\":{\"billed_units\":{\"input_tokens\":7,\"output_tokens\":1}}}}");
        assertThat(events).containsExactly(
                new StreamEvent.Start("m2", "command-a", 42),
                new StreamEvent.TextDelta(0, "one"),
                new StreamEvent.Finish(0, FinishReason.LENGTH),
                new StreamEvent.UsageReport(Usage.of(7, 1)));
    }

    @Test
    void isFinal_onlyAtMessageEnd() throws Exception {
        assertThat(CohereStreamDecoder.isFinal(Json.parse("{\"type\":\"message-end\"}"))).isTrue();
        assertThat(CohereStreamDecoder.isFinal(Json.parse("{\"type\":\"content-end\"}"))).isFalse();
    }
}
