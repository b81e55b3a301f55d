package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChunkEncoderTest {

    /** A canonical stream: text, then two tool calls whose arguments arrive in pieces, then finish and usage. */
    private static final List<StreamEvent> STREAM = List.of(
            new StreamEvent.Start("chatcmpl-42", "upstream-model", 1_700_000_000L),
            new StreamEvent.TextDelta(0, "Let me check."),
            new StreamEvent.ToolCallStart(0, 0, "call_a", "get_weather"),
            new StreamEvent.ToolCallDelta(0, 0, "{\"city\":"),
            new StreamEvent.ToolCallDelta(0, 0, "\"Paris\"}"),
            new StreamEvent.ToolCallStart(0, 1, "call_b", "get_time"),
            new StreamEvent.ToolCallDelta(0, 1, "{}"),
            new StreamEvent.Finish(0, FinishReason.TOOL_CALLS),
            new StreamEvent.UsageReport(new Usage(12, 7, 4, 0, 0, false)));

    private static List<ObjectNode> encodeAll(boolean includeUsage) {
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("general", includeUsage);
        List<ObjectNode> out = new ArrayList<>();
        for (StreamEvent e : STREAM) {
            ObjectNode chunk = encoder.encode(e);
            if (chunk != null) out.add(chunk);
        }
        out.addAll(encoder.end());
        return out;
    }

    private static JsonNode delta(JsonNode chunk) {
        return chunk.get("choices").get(0).get("delta");
    }

    @Test
    void encode_anotherProvidersId_isPrefixedAsAChatCompletionId() {
        OpenAiChunkEncoder enc = new OpenAiChunkEncoder("m", false);
        assertThat(enc.encode(new StreamEvent.Start("msg_01XFDUDYJgAACzvnptvVoYEL", "up", 1)).get("id").textValue())
                .isEqualTo("chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(enc.encode(new StreamEvent.TextDelta(0, "a")).get("id").textValue()).isEqualTo("chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL");
    }

    @Test
    void encode_secondChoice_getsItsOwnRoleOnItsFirstChunk() {
        OpenAiChunkEncoder enc = new OpenAiChunkEncoder("m", false);
        enc.encode(new StreamEvent.Start("id", "up", 1));
        JsonNode first1 = delta(enc.encode(new StreamEvent.TextDelta(1, "a")));
        JsonNode second1 = delta(enc.encode(new StreamEvent.TextDelta(1, "b")));
        JsonNode next0 = delta(enc.encode(new StreamEvent.TextDelta(0, "c")));
        assertThat(first1.get("role").asText()).isEqualTo("assistant");
        assertThat(second1.has("role")).isFalse();
        assertThat(next0.has("role")).isFalse();
    }

    @Test
    void encode_everyChunk_repeatsIdCreatedAndTheClientsModel() {
        for (ObjectNode c : encodeAll(true)) {
            assertThat(c.get("id").textValue()).isEqualTo("chatcmpl-42");
            assertThat(c.get("object").textValue()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("created").longValue()).isEqualTo(1_700_000_000L);
            assertThat(c.get("model").textValue()).isEqualTo("general");
        }
    }

    @Test
    void encode_start_isRoleChunkWithEmptyContent() throws IOException {
        ObjectNode first = encodeAll(false).getFirst();
        assertThat(first.get("choices")).isEqualTo(Json.parse("""
                [{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]"""));
    }

    @Test
    void encode_textDelta_carriesContentAndNoFinishReason() {
        JsonNode chunk = encodeAll(false).get(1);
        assertThat(delta(chunk).get("content").textValue()).isEqualTo("Let me check.");
        assertThat(delta(chunk).has("role")).isFalse();
        assertThat(chunk.get("choices").get(0).get("finish_reason").isNull()).isTrue();
    }

    @Test
    void encode_toolCallStart_thenArgumentDeltasWithTheSameIndex() {
        List<ObjectNode> chunks = encodeAll(false);
        JsonNode start = delta(chunks.get(2)).get("tool_calls").get(0);
        assertThat(start.get("index").intValue()).isZero();
        assertThat(start.get("id").textValue()).isEqualTo("call_a");
        assertThat(start.get("type").textValue()).isEqualTo("function");
        assertThat(start.get("function").get("name").textValue()).isEqualTo("get_weather");
        assertThat(start.get("function").get("arguments").textValue()).isEmpty();

        JsonNode piece = delta(chunks.get(3)).get("tool_calls").get(0);
        assertThat(piece.get("index").intValue()).isZero();
        assertThat(piece.has("id")).isFalse();
        assertThat(piece.get("function").has("name")).isFalse();
        assertThat(piece.get("function").get("arguments").textValue()).isEqualTo("{\"city\":");

        assertThat(delta(chunks.get(5)).get("tool_calls").get(0).get("index").intValue()).isEqualTo(1);
        assertThat(delta(chunks.get(6)).get("tool_calls").get(0).get("index").intValue()).isEqualTo(1);
    }

    @Test
    void encode_argumentDeltasOfOneCall_concatenateToItsArguments() {
        StringBuilder args = new StringBuilder();
        for (ObjectNode c : encodeAll(false)) {
            if (c == null || c.get("choices").isEmpty()) continue;
            JsonNode calls = delta(c).get("tool_calls");
            if (calls != null && calls.get(0).get("index").intValue() == 0) args.append(calls.get(0).get("function").get("arguments").textValue());
        }
        assertThat(args).hasToString("{\"city\":\"Paris\"}");
    }

    @Test
    void encode_finish_setsMappedFinishReasonWithEmptyDelta() {
        JsonNode finish = encodeAll(false).get(7);
        assertThat(finish.get("choices").get(0).get("finish_reason").textValue()).isEqualTo("tool_calls");
        assertThat(delta(finish).isEmpty()).isTrue();
    }

    @Test
    void encode_usageWithIncludeUsage_isChunkWithEmptyChoicesAndUsage() {
        JsonNode usage = encodeAll(true).getLast();
        assertThat(usage.get("choices").isArray()).isTrue();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("prompt_tokens").longValue()).isEqualTo(12);
        assertThat(usage.get("usage").get("completion_tokens").longValue()).isEqualTo(7);
        assertThat(usage.get("usage").get("total_tokens").longValue()).isEqualTo(19);
        assertThat(usage.get("usage").get("prompt_tokens_details").get("cached_tokens").longValue()).isEqualTo(4);
    }

    @Test
    void encode_usageWithoutIncludeUsage_givesNoChunk() {
        List<ObjectNode> chunks = encodeAll(false);
        assertThat(chunks).hasSize(8); // the usage report gave none
        assertThat(chunks).noneMatch(c -> c.has("usage"));
    }

    @Test
    void encode_reasoningDelta_carriesReasoningContent() {
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("m", false);
        encoder.encode(new StreamEvent.Start("id", "up", 1));
        JsonNode c = encoder.encode(new StreamEvent.ReasoningDelta(0, "hmm", null));
        assertThat(delta(c).get("reasoning_content").textValue()).isEqualTo("hmm");
        assertThat(delta(c).has("content")).isFalse();
    }

    @Test
    void encode_aSignature_closesItsReasoningAsAThinkingBlock_withTheTextSinceTheLastOne() throws Exception {
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("m", false, false, true); // Anthropic's order: text, then its signature
        encoder.encode(new StreamEvent.Start("id", "up", 1));
        encoder.encode(new StreamEvent.ReasoningDelta(0, "hm", null));
        encoder.encode(new StreamEvent.ReasoningDelta(0, "m", null));
        JsonNode first = encoder.encode(new StreamEvent.ReasoningDelta(0, null, "EqQBCgIYAhIM"));
        encoder.encode(new StreamEvent.ReasoningDelta(0, "again", null));
        JsonNode second = encoder.encode(new StreamEvent.ReasoningDelta(0, null, "SIG2"));
        JsonNode own = encoder.encode(new StreamEvent.ReasoningDelta(0, null, "GEMINI", true));

        assertThat(delta(first).has("reasoning_content")).isFalse();
        assertThat(delta(first).get("thinking_blocks")).isEqualTo(Json.parse(
                "[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"EqQBCgIYAhIM\",\"index\":0}]"));
        assertThat(delta(second).get("thinking_blocks")).isEqualTo(Json.parse(
                "[{\"type\":\"thinking\",\"thinking\":\"again\",\"signature\":\"SIG2\",\"index\":1}]"));
        // a signature that is a part of its own (Gemini's) carries no text
        assertThat(delta(own).get("thinking_blocks")).isEqualTo(Json.parse(
                "[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"GEMINI\",\"index\":2}]"));
    }

    @Test
    void encode_reasoningAndItsSignatureInOneEvent_areOneThinkingBlock() throws Exception {
        // Gemini's thought part with its thoughtSignature; an Anthropic block started whole
        for (boolean signsAfterText : new boolean[] {false, true}) {
            OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("m", false, false, signsAfterText);
            encoder.encode(new StreamEvent.Start("id", "up", 1));
            JsonNode c = encoder.encode(new StreamEvent.ReasoningDelta(0, "whole thought", "SIG"));
            assertThat(delta(c).get("reasoning_content").asText()).isEqualTo("whole thought");
            assertThat(delta(c).get("thinking_blocks")).isEqualTo(Json.parse(
                    "[{\"type\":\"thinking\",\"thinking\":\"whole thought\",\"signature\":\"SIG\",\"index\":0}]"));
        }
    }

    @Test
    void encode_deltaOfSecondChoice_carriesItsIndex() {
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("m", false);
        encoder.encode(new StreamEvent.Start("id", "up", 1));
        assertThat(encoder.encode(new StreamEvent.TextDelta(1, "b")).get("choices").get(0).get("index").intValue()).isEqualTo(1);
        assertThat(encoder.encode(new StreamEvent.Finish(1, FinishReason.LENGTH))).isNull();
        assertThat(encoder.end().getFirst().get("choices").get(0).get("finish_reason").textValue()).isEqualTo("length");
    }

    @Test
    void end_choicesThatEndedOneAfterAnother_finishTogether_afterAllContent_thenUsage() {
        OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("m", true);
        List<ObjectNode> chunks = new ArrayList<>();
        for (StreamEvent e : List.of(new StreamEvent.Start("id", "up", 1), new StreamEvent.TextDelta(0, "a"),
                new StreamEvent.Finish(0, FinishReason.STOP), new StreamEvent.UsageReport(new Usage(1, 1, 0, 0, 0, false)),
                new StreamEvent.TextDelta(1, "b"), new StreamEvent.Finish(1, FinishReason.LENGTH),
                new StreamEvent.UsageReport(new Usage(2, 4, 0, 0, 0, false)))) {
            ObjectNode chunk = encoder.encode(e);
            if (chunk != null) chunks.add(chunk);
        }
        assertThat(chunks).hasSize(3) // the role chunk, then a delta of each choice: nothing finished yet
                .allSatisfy(c -> assertThat(c.get("choices").get(0).get("finish_reason").isNull()).isTrue());
        List<ObjectNode> end = encoder.end();
        assertThat(end).hasSize(2);
        JsonNode finished = end.getFirst().get("choices");
        assertThat(finished).hasSize(2);
        assertThat(finished.get(0).get("index").intValue()).isZero();
        assertThat(finished.get(0).get("finish_reason").textValue()).isEqualTo("stop");
        assertThat(finished.get(1).get("index").intValue()).isEqualTo(1);
        assertThat(finished.get(1).get("finish_reason").textValue()).isEqualTo("length");
        assertThat(end.getLast().get("usage").get("completion_tokens").longValue()).isEqualTo(4); // the last usage reported
        assertThat(encoder.end()).isEmpty();
    }
}
