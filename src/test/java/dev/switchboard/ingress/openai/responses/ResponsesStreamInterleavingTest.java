package dev.switchboard.ingress.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.testing.StreamScripts;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parallel tool calls an OpenAI-format server interleaves still make a well-ordered Responses stream. */
class ResponsesStreamInterleavingTest {

    @Test
    void interleavedCalls_noDeltaAfterItsItemIsDone_andTheResponseHasBothWhole() throws Exception {
        ObjectNode envelope = Json.object().put("id", "resp_1").put("object", "response").put("status", "in_progress");
        envelope.putArray("output");
        ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(envelope, u -> { }, r -> { });
        List<Buffer> frames = new ArrayList<>();
        for (StreamEvent e : StreamScripts.INTERLEAVED_TOOL_CALLS) {
            Buffer b = encoder.event(e);
            if (b != null) frames.add(b);
        }
        frames.add(encoder.end());
        Set<String> done = new HashSet<>();
        JsonNode completed = null;
        for (Buffer frame : frames) {
            for (String block : frame.toString().split("\n\n")) {
                if (block.isBlank()) continue;
                JsonNode data = Json.parse(block.substring(block.indexOf("\ndata: ") + 7));
                String type = data.get("type").asText();
                if (type.equals("response.function_call_arguments.delta")) {
                    assertThat(done).as("a delta after its item was done").doesNotContain(data.get("item_id").asText());
                }
                if (type.equals("response.output_item.done")) done.add(data.at("/item/id").asText());
                if (type.equals("response.completed")) completed = data.get("response");
            }
        }
        assertThat(completed).isNotNull();
        assertThat(completed.at("/output/0/call_id").asText()).isEqualTo("call_a");
        assertThat(completed.at("/output/0/arguments").asText()).isEqualTo("{\"city\":\"A\"}");
        assertThat(completed.at("/output/1/call_id").asText()).isEqualTo("call_b");
        assertThat(completed.at("/output/1/name").asText()).isEqualTo("b");
        assertThat(completed.at("/output/1/arguments").asText()).isEqualTo("{\"city\":\"B\"}");
    }
}
