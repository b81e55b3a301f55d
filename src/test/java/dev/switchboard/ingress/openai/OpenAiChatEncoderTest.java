package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiChatEncoderTest {

    private static ChatResponse oneChoice(Message m, FinishReason finish, Usage usage) {
        return new ChatResponse("chatcmpl-1", "gpt-4o-mini-2024-07-18", 1_700_000_000L,
                List.of(new ChatResponse.Choice(0, m, finish)), usage);
    }

    @Test
    void response_textAnswer_hasChatCompletionShapeWithTheClientsModelName() throws IOException {
        ObjectNode out = OpenAiChatEncoder.response(
                oneChoice(Message.text(Role.ASSISTANT, "Hello!"), FinishReason.STOP, Usage.of(10, 2)), "general");
        // compared as text: the encoder writes longs where the parser reads ints
        assertThat(Json.text(out)).isEqualTo(Json.text(Json.parse("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"general",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,
                   "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""")));
    }

    @Test
    void response_toolCalls_haveNullContentAndFunctionEntries() {
        Message m = new Message(Role.ASSISTANT, List.of(
                new ContentPart.ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ContentPart.ToolCall("call_b", "get_time", "{}")), null);
        JsonNode message = OpenAiChatEncoder.response(oneChoice(m, FinishReason.TOOL_CALLS, null), "m").get("choices").get(0).get("message");
        assertThat(message.get("content").isNull()).isTrue();
        JsonNode calls = message.get("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("id").textValue()).isEqualTo("call_a");
        assertThat(calls.get(0).get("type").textValue()).isEqualTo("function");
        assertThat(calls.get(0).get("function").get("name").textValue()).isEqualTo("get_weather");
        assertThat(calls.get(0).get("function").get("arguments").textValue()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(calls.get(1).get("function").get("name").textValue()).isEqualTo("get_time");
    }

    @Test
    void response_textAndReasoningParts_areJoined() throws Exception {
        Message m = new Message(Role.ASSISTANT, List.of(
                new ContentPart.Reasoning("think ", null, false), new ContentPart.Reasoning("hard", null, false),
                new ContentPart.Reasoning(null, "opaque", true),
                new ContentPart.Text("Hel"), new ContentPart.Text("lo")), null);
        JsonNode message = OpenAiChatEncoder.message(m);
        assertThat(message.get("content").textValue()).isEqualTo("Hello");
        assertThat(message.get("reasoning_content").textValue()).isEqualTo("think hard");
        assertThat(message.has("tool_calls")).isFalse();
        // a signed part among them: every reasoning part goes out as a thinking block too, to come back
        assertThat(message.get("thinking_blocks")).isEqualTo(Json.parse("""
                [{"type":"thinking","thinking":"think "},{"type":"thinking","thinking":"hard"},
                 {"type":"redacted_thinking","data":"opaque"}]"""));
    }

    @Test
    void response_unsignedReasoning_hasNoThinkingBlocks() {
        Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("plain", null, false), new ContentPart.Text("a")), null);
        assertThat(OpenAiChatEncoder.message(m).has("thinking_blocks")).isFalse();
    }

    @Test
    void completionId_keepsAnOpenAiIdAndPrefixesAnyOther() {
        assertThat(OpenAiChatEncoder.completionId("chatcmpl-abc")).isEqualTo("chatcmpl-abc");
        assertThat(OpenAiChatEncoder.completionId("msg_01abc")).isEqualTo("chatcmpl-msg_01abc");
        assertThat(OpenAiChatEncoder.completionId("")).startsWith("chatcmpl-").hasSizeGreaterThan(20);
        assertThat(OpenAiChatEncoder.completionId(null)).as("a fresh one each time").isNotEqualTo(OpenAiChatEncoder.completionId(null));
    }

    @Test
    void response_withoutUsage_omitsUsage() {
        assertThat(OpenAiChatEncoder.response(oneChoice(Message.text(Role.ASSISTANT, "x"), FinishReason.STOP, null), "m").has("usage")).isFalse();
    }

    @Test
    void response_severalChoices_keepTheirIndexAndFinishReason() {
        ChatResponse r = new ChatResponse("id", "up", 1, List.of(
                new ChatResponse.Choice(0, Message.text(Role.ASSISTANT, "a"), FinishReason.STOP),
                new ChatResponse.Choice(1, Message.text(Role.ASSISTANT, "b"), FinishReason.LENGTH)), Usage.of(1, 2));
        JsonNode choices = OpenAiChatEncoder.response(r, "m").get("choices");
        assertThat(choices).hasSize(2);
        assertThat(choices.get(1).get("index").intValue()).isEqualTo(1);
        assertThat(choices.get(1).get("message").get("content").textValue()).isEqualTo("b");
        assertThat(choices.get(1).get("finish_reason").textValue()).isEqualTo("length");
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "LENGTH, length", "TOOL_CALLS, tool_calls", "CONTENT_FILTER, content_filter", "ERROR, stop"})
    void finishReason_mapsToOpenAiSpelling(FinishReason reason, String wire) {
        assertThat(OpenAiChatEncoder.finishReason(reason)).isEqualTo(wire);
    }

    @Test
    void finishReason_null_isNull() {
        assertThat(OpenAiChatEncoder.finishReason(null)).isNull();
    }

    @Test
    void usage_includesCachedAndReasoningDetails() {
        JsonNode u = OpenAiChatEncoder.usage(new Usage(100, 40, 60, 0, 25, false));
        assertThat(u.get("prompt_tokens").longValue()).isEqualTo(100);
        assertThat(u.get("completion_tokens").longValue()).isEqualTo(40);
        assertThat(u.get("total_tokens").longValue()).isEqualTo(140);
        assertThat(u.get("prompt_tokens_details").get("cached_tokens").longValue()).isEqualTo(60);
        assertThat(u.get("completion_tokens_details").get("reasoning_tokens").longValue()).isEqualTo(25);
    }
}
