package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ingress.anthropic.AnthropicMessagesDecoder;
import dev.switchboard.transport.Json;
import org.junit.jupiter.api.Test;

/**
 * Gemini's thought signature, shown to an Anthropic client as a thinking block with no text,
 * goes back onto the function call it came with, not onto an empty thought part of its own.
 */
class GeminiSignaturesTest {

    @Test
    void anEmptyThinkingBlocksSignature_goesOntoTheFunctionCallAfterIt() throws Exception {
        var request = AnthropicMessagesDecoder.decode(Json.parse("""
                {"model":"gem","max_tokens":100,"messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":[
                    {"type":"thinking","thinking":"","signature":"RkNTSUc="},
                    {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"sunny"}]}]}"""));
        JsonNode contents = GeminiRequestEncoder.encode(request, false).get("contents");
        JsonNode modelParts = null;
        for (JsonNode c : contents) if ("model".equals(c.path("role").asText())) modelParts = c.get("parts");
        assertThat(modelParts).hasSize(1);
        assertThat(modelParts.get(0).at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(modelParts.get(0).get("thoughtSignature").asText()).isEqualTo("RkNTSUc=");
    }

    @Test
    void anUnsignedThought_goesToGeminiWithoutASignature() throws Exception {
        var request = AnthropicMessagesDecoder.decode(Json.parse("""
                {"model":"gem","max_tokens":100,"messages":[
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"Greet back.","signature":""},{"type":"text","text":"Hello!"}]},
                  {"role":"user","content":"Again"}]}"""));
        JsonNode contents = GeminiRequestEncoder.encode(request, false).get("contents");
        JsonNode thought = contents.get(1).get("parts").get(0);
        assertThat(thought.get("thought").asBoolean()).isTrue();
        assertThat(thought.get("text").asText()).isEqualTo("Greet back.");
        assertThat(thought.has("thoughtSignature")).as(thought.toString()).isFalse();
    }
}
