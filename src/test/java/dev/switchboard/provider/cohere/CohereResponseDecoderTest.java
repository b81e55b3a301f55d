package dev.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohereResponseDecoderTest {

    @Test
    void decode_textReply_withTokenUsage() throws IOException {
        ChatResponse r = CohereResponseDecoder.decode(Json.parse("""
                {"id":"c0f1","finish_reason":"COMPLETE",
                 "message":{"role":"assistant","content":[{"type":"text","text":"Hello "},{"type":"text","text":"there"}]},
                 "usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":71,"output_tokens":3}}}"""),
                "command-a", 1700);
        assertThat(r.id()).isEqualTo("c0f1");
        assertThat(r.model()).isEqualTo("command-a");
        assertThat(r.created()).isEqualTo(1700);
        ChatResponse.Choice c = r.choices().getFirst();
        assertThat(c.message().text()).isEqualTo("Hello there");
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(Usage.of(71, 3));
    }

    @Test
    void decode_toolCalls_withPlanAsReasoning_andBilledUnitsFallback() throws IOException {
        ChatResponse r = CohereResponseDecoder.decode(Json.parse("""
                {"id":"x","finish_reason":"TOOL_CALL",
                 "message":{"role":"assistant","tool_plan":"I will look it up.",
                   "tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                                 {"id":"get_weather_2","type":"function","function":{"name":"get_weather"}}]},
                 "usage":{"billed_units":{"input_tokens":12,"output_tokens":9}}}"""), "command-r", 0);
        ChatResponse.Choice c = r.choices().getFirst();
        assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(c.message().content()).containsExactly(
                new ContentPart.Reasoning("I will look it up.", null, false),
                new ContentPart.ToolCall("get_weather_1", "get_weather", "{\"city\":\"Paris\"}"),
                new ContentPart.ToolCall("get_weather_2", "get_weather", "{}"));
        assertThat(r.usage()).isEqualTo(Usage.of(12, 9));
    }

    @Test
    void decode_withoutUsage_isZero_andANonMessageIsRefused() throws IOException {
        assertThat(CohereResponseDecoder.decode(Json.parse("{\"id\":\"x\",\"message\":{\"role\":\"assistant\"}}"), "m", 0).usage())
                .isEqualTo(Usage.ZERO);
        assertThatThrownBy(() -> CohereResponseDecoder.decode(Json.parse("{\"message\":\"bad\"}"), "m", 0)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @CsvSource({"COMPLETE,STOP", "STOP_SEQUENCE,STOP", "MAX_TOKENS,LENGTH", "ERROR_LIMIT,LENGTH", "TOOL_CALL,TOOL_CALLS",
            "ERROR,ERROR", "TIMEOUT,ERROR", "ERROR_TOXIC,CONTENT_FILTER", "SOMETHING_NEW,STOP"})
    void finishReason_mapsCohereReasons(String cohere, FinishReason canonical) {
        assertThat(CohereResponseDecoder.finishReason(cohere)).isEqualTo(canonical);
    }
}
