package dev.switchboard.ingress.gemini;

import static dev.switchboard.ingress.gemini.GeminiClient.events;
import static dev.switchboard.ingress.gemini.GeminiClient.json;
import static dev.switchboard.ingress.gemini.GeminiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Gemini stream that goes quiet is kept alive by bare line breaks: nothing Google's SDKs would
 * try to parse as a chunk, and whitespace inside the JSON-array form.
 */
class GeminiKeepAliveTest {

    @Test
    void silentStream_getsLineBreaks_thatKeepBothFormsParseable() {
        try (GatewayFixture gw = GatewayFixture.builder().pingMs(40).config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                """).start()) {
            GeminiClient client = new GeminiClient(gw, GatewayFixture.MASTER_KEY);
            String slow = GeminiApiTest.user("[sim token_ms=150] one two three");

            HttpResponse<String> sse = client.post("/v1beta/models/sim:streamGenerateContent?alt=sse", slow);
            assertThat(sse.body()).contains("\n\n\n").doesNotContain(": ping");
            assertThat(text(events(sse.body()))).isEqualTo("one two three");

            HttpResponse<String> array = client.post("/v1beta/models/sim:streamGenerateContent", slow);
            assertThat(array.body()).contains("\n");
            List<JsonNode> chunks = new ArrayList<>();
            json(array).forEach(chunks::add);
            assertThat(text(chunks)).isEqualTo("one two three");
        }
    }
}
