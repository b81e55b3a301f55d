package dev.switchboard.ingress.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasoning and its signatures in a Responses stream end as they do in a JSON answer. */
class ResponsesStreamReasoningTest {

    private static JsonNode completed(List<StreamEvent> events) throws Exception {
        ObjectNode envelope = Json.object().put("id", "resp_1").put("object", "response").put("status", "in_progress");
        envelope.putArray("output");
        ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(envelope, u -> { }, r -> { });
        StringBuilder all = new StringBuilder();
        for (StreamEvent e : events) {
            Buffer b = encoder.event(e);
            if (b != null) all.append(b);
        }
        all.append(encoder.end());
        JsonNode completed = null;
        for (String block : all.toString().split("\n\n")) {
            if (block.isBlank()) continue;
            JsonNode data = Json.parse(block.substring(block.indexOf("\ndata: ") + 7));
            if (data.get("type").asText().equals("response.completed")) completed = data.get("response");
        }
        return completed;
    }

    @Test
    void aSignatureStandingForTheNextPart_isAReasoningItemOfItsOwn() throws Exception {
        JsonNode response = completed(List.of(
                new StreamEvent.ReasoningDelta(0, "Let me think.", null),
                new StreamEvent.ReasoningDelta(0, null, "R0VNU0lH", true),
                new StreamEvent.ToolCallStart(0, 0, "call_1", "get_weather"),
                new StreamEvent.ToolCallDelta(0, 0, "{\"city\":\"Paris\"}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS)));
        JsonNode output = response.get("output");
        assertThat(output).hasSize(3);
        assertThat(output.at("/0/type").asText()).isEqualTo("reasoning");
        assertThat(output.at("/0/encrypted_content").isMissingNode() || output.at("/0/encrypted_content").isNull()).isTrue();
        assertThat(output.at("/1/type").asText()).isEqualTo("reasoning");
        assertThat(output.at("/1/encrypted_content").asText()).isEqualTo("R0VNU0lH");
        assertThat(output.at("/2/type").asText()).isEqualTo("function_call");
    }

    @Test
    void aSignatureAfterReasoningText_signsThatItem() throws Exception {
        JsonNode response = completed(List.of(
                new StreamEvent.ReasoningDelta(0, "hmm", null),
                new StreamEvent.ReasoningDelta(0, null, "sig=="),
                new StreamEvent.TextDelta(0, "Done."),
                new StreamEvent.Finish(0, FinishReason.STOP)));
        JsonNode output = response.get("output");
        assertThat(output).hasSize(2);
        assertThat(output.at("/0/encrypted_content").asText()).isEqualTo("sig==");
        assertThat(output.at("/1/type").asText()).isEqualTo("message");
    }
}
