package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A native chat stream whose provider reports no usage, and a client that asked for it (a canonical
 * stream gets its estimate before the framing: {@code AnthropicOverOpenAiProviderTest}).
 */
class OpenAiStreamsTest {

    private static final Usage ESTIMATE = new Usage(11, 3, 0, 0, 0, true);

    /** The {@code data:} payloads of what a framing wrote, {@code [DONE]} included. */
    private static List<String> events(List<Buffer> written) {
        List<String> out = new ArrayList<>();
        for (Buffer b : written) {
            if (b == null) continue;
            for (String block : b.toString().split("\n\n")) {
                if (block.startsWith("data: ")) out.add(block.substring(6));
            }
        }
        return out;
    }

    private static ObjectNode chunk(String json) throws IOException {
        return (ObjectNode) Json.parse(json);
    }

    private static List<Buffer> nativeStream(SseResponse.Framing<ObjectNode> framing, boolean withUsage) throws IOException {
        List<Buffer> out = new ArrayList<>();
        out.add(framing.event(chunk("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"up","system_fingerprint":"fp",
                 "choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}""")));
        out.add(framing.event(chunk("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"up","system_fingerprint":"fp",
                 "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")));
        if (withUsage) {
            out.add(framing.event(chunk("""
                    {"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"up","choices":[],
                     "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""")));
        }
        out.add(framing.beforeEnd().map(ready -> framing.end()).result());
        return out;
    }

    @Test
    void nativeStream_withoutProviderUsage_endsWithTheEstimate_whenTheClientAskedForUsage() throws IOException {
        List<Usage> recorded = new ArrayList<>();
        List<String> events = events(nativeStream(OpenAiStreams.nativeFraming("general", () -> Future.succeededFuture(ESTIMATE), recorded::add), false));

        assertThat(events).hasSize(4).last().isEqualTo("[DONE]");
        JsonNode usageChunk = Json.parse(events.get(2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(11);
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(usageChunk.at("/usage/total_tokens").asInt()).isEqualTo(14);
        assertThat(usageChunk.get("id").asText()).as("the stream's own id and times").isEqualTo("chatcmpl-1");
        assertThat(usageChunk.get("created").asLong()).isEqualTo(7);
        assertThat(usageChunk.get("model").asText()).isEqualTo("general");
        assertThat(recorded).as("what the client was shown is what is recorded").containsExactly(ESTIMATE);
    }

    @Test
    void nativeStream_providerUsage_isNeverReplacedByTheEstimate_andNotAskedForUsage_noneIsEstimated() throws IOException {
        List<Usage> recorded = new ArrayList<>();
        Supplier<Future<Usage>> never = () -> {
            throw new AssertionError("no estimate when the provider reported usage");
        };
        List<String> asked = events(nativeStream(OpenAiStreams.nativeFraming("general", never, recorded::add), true));
        assertThat(asked).hasSize(4);
        assertThat(Json.parse(asked.get(2)).at("/usage/prompt_tokens").asInt()).isEqualTo(5);
        assertThat(recorded).hasSize(1).first().extracting(Usage::inputTokens).isEqualTo(5L);

        List<String> notAsked = events(nativeStream(OpenAiStreams.nativeFraming("general", null, u -> { }), false));
        assertThat(notAsked).hasSize(3).last().isEqualTo("[DONE]");
        assertThat(notAsked).noneMatch(e -> e.contains("\"usage\""));
    }
}
