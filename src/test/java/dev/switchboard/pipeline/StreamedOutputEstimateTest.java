package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import org.junit.jupiter.api.Test;

/** The output estimate of a stream cut before its usage report: four characters a token of the text it carried. */
class StreamedOutputEstimateTest {

    private static Exchange exchange() {
        return new Exchange("req_1", System.nanoTime(), false);
    }

    @Test
    void canonicalEvents_countText_reasoning_andToolArguments() {
        Exchange ex = exchange();
        ex.streamed(new StreamEvent.TextDelta(0, "Hello"));          // 5
        ex.streamed(new StreamEvent.ReasoningDelta(0, "think", null)); // 5
        ex.streamed(new StreamEvent.ToolCallDelta(0, 0, "{\"a\":1}"));  // 7
        ex.streamed(new StreamEvent.Finish(0, null));
        assertThat(ex.streamedTokensEstimate()).isEqualTo((17 + 3) / 4);
    }

    @Test
    void nativeChunks_ofOpenAiAnthropicAndGemini_countTheirText() throws Exception {
        Exchange ex = exchange();
        ex.streamed(Json.parse("{\"choices\":[{\"delta\":{\"content\":\"abcd\",\"tool_calls\":[{\"function\":{\"arguments\":\"{}\"}}]}}]}"));
        ex.streamed(Json.parse("{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"efgh\"}}"));
        ex.streamed(Json.parse("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ij\"},{\"text\":\"kl\"}]}}]}"));
        ex.streamed(Json.parse("{\"type\":\"message_stop\"}"));
        assertThat(ex.streamedTokensEstimate()).isEqualTo((4 + 2 + 4 + 4 + 3) / 4);
        ex.streamed(Json.parse("{\"choices\":[{\"delta\":{\"refusal\":\"No way, sorry.\"}}]}")); // 14
        ex.streamed(Json.parse("{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}}}]}}]}")); // {"a":1}: 7
        assertThat(ex.streamedTokensEstimate()).isEqualTo((4 + 2 + 4 + 4 + 14 + 7 + 3) / 4);
        ex.streamed(Json.parse("{\"choices\":[{\"delta\":{\"function_call\":{\"arguments\":\"{\\\"city\\\":1}\"}}}]}")); // {"city":1}: 10
        assertThat(ex.streamedTokensEstimate()).isEqualTo((4 + 2 + 4 + 4 + 14 + 7 + 10 + 3) / 4);
    }

    @Test
    void nothingStreamed_estimatesNoOutput() {
        assertThat(exchange().streamedTokensEstimate()).isZero();
    }
}
