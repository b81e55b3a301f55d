package dev.switchboard.ingress.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model of another format may answer tool-call arguments that are no JSON object (cut off by
 * max_tokens mid-call, or a bare string): a Gemini client gets {@code args: {}}, in JSON and in a
 * stream alike, as the other formats' clients do, instead of an answer that never comes.
 */
class GeminiAnswerArgsTest {

    static final List<String> NOT_OBJECTS = List.of("{\"city\":\"Par", "\"hello\"", "[1,2]");

    @Test
    void json_nonObjectArguments_becomeEmptyArgs() {
        for (String args : NOT_OBJECTS) {
            Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("call_1", "get_weather", args)), null);
            ChatResponse r = new ChatResponse("c1", "up", 0, List.of(new ChatResponse.Choice(0, m, FinishReason.LENGTH)), new Usage(5, 7, 0, 0, 0, false));
            ObjectNode out = GeminiResponseEncoder.response(r, "fo", false);
            JsonNode call = out.at("/candidates/0/content/parts/0/functionCall");
            assertThat(call.get("name").asText()).as(args).isEqualTo("get_weather");
            assertThat(call.get("args").isObject() && call.get("args").isEmpty()).as(args).isTrue();
            assertThat(out.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        }
    }

    @Test
    void stream_nonObjectArguments_becomeEmptyArgs_andTheFinishStillComes() {
        for (String args : NOT_OBJECTS) {
            GeminiChunkEncoder encoder = new GeminiChunkEncoder("fo", false);
            List<ObjectNode> chunks = new ArrayList<>();
            encoder.encode(new StreamEvent.ToolCallStart(0, 0, "call_1", "get_weather"), chunks::add);
            encoder.encode(new StreamEvent.ToolCallDelta(0, 0, args), chunks::add);
            encoder.encode(new StreamEvent.Finish(0, FinishReason.LENGTH), chunks::add);
            encoder.encode(new StreamEvent.UsageReport(new Usage(5, 7, 0, 0, 0, false)), chunks::add);
            encoder.end(chunks::add);
            JsonNode call = chunks.stream().map(c -> c.at("/candidates/0/content/parts/0/functionCall")).filter(JsonNode::isObject)
                    .findFirst().orElseThrow(() -> new AssertionError("no functionCall in " + chunks));
            assertThat(call.get("args").isObject() && call.get("args").isEmpty()).as(args).isTrue();
            assertThat(chunks.stream().anyMatch(c -> c.at("/candidates/0/finishReason").asText().equals("MAX_TOKENS"))).as(args).isTrue();
        }
    }
}
