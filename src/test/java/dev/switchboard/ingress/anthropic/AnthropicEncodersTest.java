package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.gemini.GeminiStreamDecoder;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.testing.StreamScripts;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicEncodersTest {

    record Sse(String name, JsonNode data) {}

    /** Splits framed bytes into events, checking each is {@code event:}, {@code data:} and a blank line, and names its type. */
    static List<Sse> parse(Buffer framed) throws Exception {
        List<Sse> out = new ArrayList<>();
        if (framed == null) return out;
        String[] frames = framed.toString().split("\n\n", -1);
        assertThat(frames[frames.length - 1]).isEmpty();
        for (int i = 0; i < frames.length - 1; i++) {
            String[] lines = frames[i].split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            Sse e = new Sse(lines[0].substring(7), Json.parse(lines[1].substring(6)));
            assertThat(e.data().get("type").asText()).isEqualTo(e.name());
            out.add(e);
        }
        return out;
    }

    static List<Sse> run(SseResponse.Framing<StreamEvent> framing, List<StreamEvent> events) throws Exception {
        List<Sse> out = new ArrayList<>();
        for (StreamEvent e : events) out.addAll(parse(framing.event(e)));
        out.addAll(parse(framing.end()));
        return out;
    }

    @Test
    void message_fromCanonical_hasAnthropicsShape() throws Exception {
        Message m = new Message(Role.ASSISTANT, List.of(
                new ContentPart.Reasoning("thought", "sig", false),
                new ContentPart.Reasoning(null, "blob", true),
                new ContentPart.Text("Calling."),
                new ContentPart.ToolCall("call_1", "lookup", "{\"q\":1}"),
                new ContentPart.ToolCall("call_2", "broken", "{not json")), null);
        ChatResponse r = new ChatResponse("chatcmpl-1", "upstream-model", 0, List.of(new ChatResponse.Choice(0, m, FinishReason.TOOL_CALLS)),
                new Usage(100, 20, 30, 10, 0, false));
        ObjectNode out = AnthropicMessagesEncoder.message(r, "claude-x");
        // compared as parsed text: the encoder writes longs where a parser reads ints
        assertThat(Json.parse(Json.text(out))).isEqualTo(Json.parse("""
                {"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-x","content":[
                  {"type":"thinking","thinking":"thought","signature":"sig"},
                  {"type":"redacted_thinking","data":"blob"},
                  {"type":"text","text":"Calling."},
                  {"type":"tool_use","id":"call_1","name":"lookup","input":{"q":1}},
                  {"type":"tool_use","id":"call_2","name":"broken","input":{}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":60,"cache_creation_input_tokens":10,"cache_read_input_tokens":30,"output_tokens":20}}
                """));
    }

    @Test
    void message_emptyText_hasNoBlock_asAStreamHasNone() {
        Message m = new Message(Role.ASSISTANT, List.of(new ContentPart.Text("")), null);
        ChatResponse r = new ChatResponse("chatcmpl-2", "up", 0, List.of(new ChatResponse.Choice(0, m, FinishReason.LENGTH)),
                new Usage(5, 0, 0, 0, 0, false));
        ObjectNode out = AnthropicMessagesEncoder.message(r, "claude-x");
        assertThat(out.get("content")).isEmpty();
        assertThat(out.get("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void stopReasons_mapFromCanonical() {
        assertThat(AnthropicMessagesEncoder.stopReason(FinishReason.STOP)).isEqualTo("end_turn");
        assertThat(AnthropicMessagesEncoder.stopReason(FinishReason.LENGTH)).isEqualTo("max_tokens");
        assertThat(AnthropicMessagesEncoder.stopReason(FinishReason.TOOL_CALLS)).isEqualTo("tool_use");
        assertThat(AnthropicMessagesEncoder.stopReason(FinishReason.CONTENT_FILTER)).isEqualTo("refusal");
        assertThat(AnthropicMessagesEncoder.stopReason(FinishReason.ERROR)).isEqualTo("end_turn");
        assertThat(AnthropicMessagesEncoder.stopReason(null)).isNull();
    }

    @Test
    void usage_roundTripsThroughAnthropicsGroups() throws Exception {
        Usage u = AnthropicMessagesEncoder.canonicalUsage(Json.parse(
                "{\"input_tokens\":5,\"cache_read_input_tokens\":7,\"cache_creation_input_tokens\":3,\"output_tokens\":9}"));
        assertThat(u).isEqualTo(new Usage(15, 9, 7, 3, 0, false));
        assertThat(AnthropicMessagesEncoder.usage(u).get("input_tokens").asLong()).isEqualTo(5);
    }

    /**
     * Gemini signs a function call, not the thought before it: streamed to an Anthropic client the
     * signature is an empty thinking block of its own before the tool_use, as in a JSON answer,
     * so the client's next turn gives it back where it came from (GeminiSignaturesTest).
     */
    @Test
    void stream_aGeminiFunctionCallsSignature_isAThinkingBlockOfItsOwn() throws Exception {
        GeminiStreamDecoder decoder = new GeminiStreamDecoder("gem", java.time.Clock.systemUTC());
        List<StreamEvent> events = new ArrayList<>();
        decoder.chunk(Json.parse("""
                {"responseId":"r1","candidates":[{"content":{"role":"model","parts":[
                  {"text":"Let me think.","thought":true},
                  {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"R0VNU0lH"}]},
                  "finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":7,"totalTokenCount":12}}"""), events::add);
        decoder.end(events::add);
        List<Sse> out = run(new AnthropicStreamEncoder("gem", "req_1", u -> { }), events);
        List<String> blocks = new ArrayList<>();
        for (Sse e : out) {
            if (e.name().equals("content_block_start")) blocks.add(e.data().at("/content_block/type").asText());
            if (e.name().equals("content_block_delta")) blocks.add(e.data().get("index").asInt() + ":" + e.data().at("/delta/type").asText()
                    + "=" + e.data().path("delta").path(e.data().at("/delta/type").asText().equals("signature_delta") ? "signature" : "thinking").asText());
        }
        assertThat(blocks.subList(0, 5)).containsExactly("thinking", "0:thinking_delta=Let me think.", "thinking", "1:signature_delta=R0VNU0lH", "tool_use");
    }

    @Test
    void stream_aSignatureAfterThinking_endsThatBlock() throws Exception {
        List<Sse> out = run(new AnthropicStreamEncoder("claude-x", "req_1", u -> { }), List.of(
                new StreamEvent.ReasoningDelta(0, "hmm", null),
                new StreamEvent.ReasoningDelta(0, null, "sig=="),
                new StreamEvent.TextDelta(0, "Done."),
                new StreamEvent.Finish(0, FinishReason.STOP)));
        assertThat(out).extracting(Sse::name).containsExactly("message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
    }

    @Test
    void stream_reasoningTextAndTwoToolCalls_numberBlocksInOrder() throws Exception {
        List<Usage> reported = new ArrayList<>();
        List<Sse> out = run(new AnthropicStreamEncoder("claude-x", "req_1", reported::add), List.of(
                new StreamEvent.Start("chatcmpl-9", "up", 0),
                new StreamEvent.ReasoningDelta(0, "hmm", null),
                new StreamEvent.ReasoningDelta(0, " ok", null),
                new StreamEvent.ReasoningDelta(0, null, "sig=="),
                new StreamEvent.TextDelta(0, "Let me check."),
                new StreamEvent.TextDelta(1, "other choice: never shown"),
                new StreamEvent.ToolCallStart(0, 0, "call_a", "a"),
                new StreamEvent.ToolCallDelta(0, 0, "{\"x\":"),
                new StreamEvent.ToolCallDelta(0, 0, "1}"),
                new StreamEvent.ToolCallStart(0, 1, "call_b", "b"),
                new StreamEvent.ToolCallDelta(0, 1, "{}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS),
                new StreamEvent.UsageReport(new Usage(50, 12, 20, 0, 4, false))));
        assertThat(out).extracting(Sse::name).containsExactly(
                "message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(out.get(0).data().at("/message/id").asText()).isEqualTo("msg_chatcmpl-9");
        assertThat(out.get(0).data().at("/message/model").asText()).isEqualTo("claude-x");
        assertThat(out.get(1).data()).isEqualTo(Json.parse(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"));
        assertThat(out.get(2).data().get("delta")).isEqualTo(Json.parse("{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}"));
        assertThat(out.get(4).data().get("delta")).isEqualTo(Json.parse("{\"type\":\"signature_delta\",\"signature\":\"sig==\"}"));
        assertThat(out.get(7).data()).isEqualTo(Json.parse(
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check.\"}}"));
        assertThat(out.get(9).data().get("content_block")).isEqualTo(Json.parse(
                "{\"type\":\"tool_use\",\"id\":\"call_a\",\"name\":\"a\",\"input\":{}}"));
        assertThat(out.get(10).data()).isEqualTo(Json.parse(
                "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\":\"}}"));
        assertThat(out.get(13).data().get("index").asInt()).isEqualTo(3);
        assertThat(out.get(15).data()).isEqualTo(Json.parse("{\"type\":\"content_block_stop\",\"index\":3}"));
        assertThat(out.get(16).data()).isEqualTo(Json.parse("""
                {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},
                 "usage":{"input_tokens":30,"cache_creation_input_tokens":0,"cache_read_input_tokens":20,"output_tokens":12}}"""));
        assertThat(reported).containsExactly(new Usage(50, 12, 20, 0, 4, false));
    }

    @Test
    void stream_interleavedToolCalls_keepBlocksStrictlySequential() throws Exception {
        List<Sse> out = run(new AnthropicStreamEncoder("claude-x", "req_1", u -> { }), StreamScripts.INTERLEAVED_TOOL_CALLS);
        // every delta belongs to the block open at that moment, and no block opens before the last one stopped
        int open = -1;
        java.util.Map<Integer, StringBuilder> args = new java.util.TreeMap<>();
        for (Sse e : out) {
            switch (e.name()) {
                case "content_block_start" -> {
                    assertThat(open).as("a block opened while another was open").isEqualTo(-1);
                    open = e.data().get("index").asInt();
                    args.put(open, new StringBuilder());
                }
                case "content_block_delta" -> {
                    assertThat(e.data().get("index").asInt()).as("a delta for a block that is not open").isEqualTo(open);
                    args.get(open).append(e.data().at("/delta/partial_json").asText());
                }
                case "content_block_stop" -> {
                    assertThat(e.data().get("index").asInt()).isEqualTo(open);
                    open = -1;
                }
                default -> { }
            }
        }
        assertThat(args).hasSize(2);
        assertThat(args.get(0).toString()).isEqualTo("{\"city\":\"A\"}");
        assertThat(args.get(1).toString()).isEqualTo("{\"city\":\"B\"}");
        assertThat(out.stream().filter(e -> e.name().equals("content_block_start")).map(e -> e.data().at("/content_block/id").asText()))
                .containsExactly("call_a", "call_b");
    }

    @Test
    void stream_argumentsThatAreNoObject_areNotShown_soInputStaysEmptyAsInJson() throws Exception {
        List<Sse> out = run(new AnthropicStreamEncoder("claude-x", "req_1", u -> { }), List.of(
                new StreamEvent.Start("chatcmpl-9", "up", 0),
                new StreamEvent.ToolCallStart(0, 0, "call_a", "a"),
                new StreamEvent.ToolCallDelta(0, 0, "  "),
                new StreamEvent.ToolCallDelta(0, 0, "[1,"),
                new StreamEvent.ToolCallDelta(0, 0, "2]"),
                new StreamEvent.ToolCallStart(0, 1, "call_b", "b"),
                new StreamEvent.ToolCallDelta(0, 1, " {\"q\":"),
                new StreamEvent.ToolCallDelta(0, 1, "1}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS)));
        List<String> partials = out.stream().filter(e -> e.name().equals("content_block_delta"))
                .map(e -> e.data().get("index").asInt() + ":" + e.data().at("/delta/partial_json").asText()).toList();
        // b started while a was open, so it goes out whole, its leading space left out
        assertThat(partials).containsExactly("1:{\"q\":1}");
    }

    @Test
    void stream_errorAfterCommit_isAnErrorEvent() throws Exception {
        AnthropicStreamEncoder encoder = new AnthropicStreamEncoder("claude-x", "req_7", u -> { });
        UpstreamException cut = new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.TIMEOUT, "Too slow."), 0, "detail");
        List<Sse> out = parse(encoder.error(cut));
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().data()).isEqualTo(Json.parse(
                "{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"Too slow.\"},\"request_id\":\"req_7\"}"));
    }

    @Test
    void nativeStream_isRenamedByType_modelSwapped_pingsDropped_usageRead() throws Exception {
        List<Usage> usage = new ArrayList<>();
        SseResponse.Framing<ObjectNode> framing = AnthropicStreams.nativeFraming("claude-public", "req_1", usage::add);
        List<Sse> out = new ArrayList<>();
        for (String json : List.of(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-upstream\",\"content\":[],"
                        + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"output_tokens\":1}}}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"},\"x_future\":true}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}",
                "{\"type\":\"message_stop\"}")) {
            out.addAll(parse(framing.event((ObjectNode) Json.parse(json))));
        }
        assertThat(framing.end()).isNull();
        assertThat(out).extracting(Sse::name).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        assertThat(out.get(0).data().at("/message/model").asText()).isEqualTo("claude-public");
        assertThat(out.get(1).data().get("x_future").asBoolean()).isTrue();
        assertThat(usage.getLast()).isEqualTo(new Usage(14, 7, 4, 0, 0, false));
    }
}
