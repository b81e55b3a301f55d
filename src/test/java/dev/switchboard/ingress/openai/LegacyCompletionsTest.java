package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.util.List;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class LegacyCompletionsTest {

    private static JsonNode json(String s) throws Exception {
        return Json.parse(s);
    }

    @Test
    void chatBody_promptBecomesOneUserMessage_sharedFieldsKept_othersLeftOut() throws Exception {
        ObjectNode chat = LegacyCompletions.chatBody(json("""
                {"model":"m","prompt":["Say hi"],"max_tokens":5,"stop":"\\n","n":2,"stream":true,
                 "stream_options":{"include_usage":true},"echo":true,"logit_bias":{"1":2}}"""), false);
        assertThat(chat).isEqualTo(json("""
                {"model":"m","max_tokens":5,"n":2,"stop":"\\n","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Say hi"}]}"""));
    }

    @Test
    void chatBody_rejectPolicy_refusesEchoNamingIt() {
        assertThatThrownBy(() -> LegacyCompletions.chatBody(json("{\"model\":\"m\",\"prompt\":\"x\",\"echo\":true}"), true))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER);
                    assertThat(e.param()).isEqualTo("echo");
                });
    }

    @Test
    void chatBody_bestOfEqualToN_asksForNothing() throws Exception {
        LegacyCompletions.chatBody(json("{\"model\":\"m\",\"prompt\":\"x\",\"n\":2,\"best_of\":2,\"suffix\":null}"), true);
    }

    @Test
    void chatBody_promptOfTokenArrays_unsupported() {
        assertThatThrownBy(() -> LegacyCompletions.chatBody(json("{\"model\":\"m\",\"prompt\":[[1,2]]}"), false))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.param()).isEqualTo("prompt"));
        assertThatThrownBy(() -> LegacyCompletions.chatBody(json("{\"model\":\"m\",\"prompt\":42}"), false))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }

    @Test
    void response_textOfEachChoice_cmplId_toolCallsFinishAsStop() {
        ChatResponse r = new ChatResponse("chatcmpl-abc", "up", 7, List.of(
                new ChatResponse.Choice(0, new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("think", null, false),
                        new ContentPart.Text("Hello"), new ContentPart.Text(" world")), null), FinishReason.LENGTH),
                new ChatResponse.Choice(1, new Message(Role.ASSISTANT, List.of(), null), FinishReason.TOOL_CALLS)),
                new Usage(4, 2, 0, 0, 0, false));
        ObjectNode out = LegacyCompletions.response(r, "public");
        assertThat(out.get("id").asText()).isEqualTo("cmpl-abc");
        assertThat(out.get("object").asText()).isEqualTo("text_completion");
        assertThat(out.get("model").asText()).isEqualTo("public");
        assertThat(out.at("/choices/0/text").asText()).isEqualTo("Hello world");
        assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(out.at("/choices/0/logprobs").isNull()).isTrue();
        assertThat(out.at("/choices/1/finish_reason").asText()).isEqualTo("stop");
        assertThat(out.at("/usage/total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void chunkEncoder_deltasFinishAndUsageOnlyWhenAsked() {
        LegacyCompletions.ChunkEncoder e = new LegacyCompletions.ChunkEncoder("public", true);
        assertThat(e.encode(new StreamEvent.Start("chatcmpl-9", "up", 11))).isNull();
        ObjectNode delta = e.encode(new StreamEvent.TextDelta(0, "Hi"));
        assertThat(delta.get("id").asText()).isEqualTo("cmpl-9");
        assertThat(delta.get("created").asLong()).isEqualTo(11);
        assertThat(delta.at("/choices/0/text").asText()).isEqualTo("Hi");
        assertThat(delta.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(e.encode(new StreamEvent.ToolCallStart(0, 0, "c", "f"))).isNull();
        assertThat(e.encode(new StreamEvent.Finish(0, FinishReason.CONTENT_FILTER))).as("kept for the end").isNull();
        assertThat(e.encode(new StreamEvent.UsageReport(new Usage(1, 2, 0, 0, 0, false)))).isNull();
        List<ObjectNode> end = e.end();
        assertThat(end).hasSize(2);
        assertThat(end.get(0).at("/choices/0/text").asText()).isEmpty();
        assertThat(end.get(0).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(end.get(1).get("choices").isEmpty()).isTrue();
        assertThat(end.get(1).at("/usage/completion_tokens").asInt()).isEqualTo(2);

        LegacyCompletions.ChunkEncoder quiet = new LegacyCompletions.ChunkEncoder("public", false);
        quiet.encode(new StreamEvent.UsageReport(new Usage(1, 2, 0, 0, 0, false)));
        assertThat(quiet.end()).as("no usage unless asked").isEmpty();
    }

    @Test
    void chunkEncoder_withTwoChoices_sendsEveryFinishAfterEveryText_whateverOrderTheProviderFinishedIn() {
        LegacyCompletions.ChunkEncoder e = new LegacyCompletions.ChunkEncoder("public", false);
        List<ObjectNode> sent = new ArrayList<>();
        for (StreamEvent ev : List.of(new StreamEvent.TextDelta(0, "a"), new StreamEvent.Finish(0, FinishReason.STOP),
                new StreamEvent.TextDelta(1, "b"), new StreamEvent.Finish(1, FinishReason.LENGTH))) {
            ObjectNode c = e.encode(ev);
            if (c != null) sent.add(c);
        }
        sent.addAll(e.end());
        assertThat(sent).extracting(c -> c.at("/choices/0/index").asInt() + ":" + c.at("/choices/0/text").asText() + ":"
                + c.at("/choices/0/finish_reason").asText("-")).containsExactly("0:a:-", "1:b:-", "0::stop", "1::length");
    }
}
