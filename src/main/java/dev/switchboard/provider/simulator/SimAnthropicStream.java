package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.anthropic.AnthropicMessagesEncoder;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;

/**
 * Writes the engine's stream events as an Anthropic Messages event stream, the full sequence:
 * {@code message_start} (with the input usage), a {@code ping}, per block
 * {@code content_block_start} / {@code content_block_delta} / {@code content_block_stop} (text
 * by word; a tool call's input as {@code input_json_delta} fragments, opened by an empty one as
 * Anthropic's own streams are), then {@code message_delta} with the stop reason and the output
 * usage, and {@code message_stop}. Each event is an {@code event:} line and a {@code data:} line.
 * Only choice 0 is written (Anthropic has no {@code n}). Created per stream; not thread-safe.
 */
final class SimAnthropicStream {

    private final String model;
    private final long inputTokens;
    private int block = -1;
    private boolean open;
    private String openType;
    private FinishReason finish = FinishReason.STOP;
    private String stopSequence;

    /** @param inputTokens the prompt's tokens, which Anthropic reports up front in {@code message_start} */
    SimAnthropicStream(String model, long inputTokens) {
        this.model = model;
        this.inputTokens = inputTokens;
    }

    /** The frames for one event, or an empty buffer when it has none of its own. */
    Buffer encode(StreamEvent event) {
        Buffer out = Buffer.buffer();
        switch (event) {
            case StreamEvent.Start s -> {
                ObjectNode m = Json.object();
                m.put("id", SimAnthropicCodec.messageId(s.id()));
                m.put("type", "message");
                m.put("role", "assistant");
                m.putArray("content");
                m.put("model", model);
                m.putNull("stop_reason");
                m.putNull("stop_sequence");
                m.set("usage", SimAnthropicCodec.usage(inputTokens, 0));
                ObjectNode start = Json.object().put("type", "message_start");
                start.set("message", m);
                frame(out, start);
                frame(out, Json.object().put("type", "ping"));
            }
            case StreamEvent.TextDelta t when t.choice() == 0 -> {
                if (!open || !"text".equals(openType)) {
                    ObjectNode b = Json.object().put("type", "text").put("text", "");
                    startBlock(out, "text", b);
                }
                delta(out, Json.object().put("type", "text_delta").put("text", t.text()));
            }
            case StreamEvent.ToolCallStart c when c.choice() == 0 -> {
                ObjectNode b = Json.object().put("type", "tool_use").put("id", SimAnthropicCodec.toolId(c.id())).put("name", c.name());
                b.putObject("input");
                startBlock(out, "tool_use", b);
                delta(out, Json.object().put("type", "input_json_delta").put("partial_json", ""));
            }
            case StreamEvent.ToolCallDelta d when d.choice() == 0 ->
                    delta(out, Json.object().put("type", "input_json_delta").put("partial_json", d.argumentsFragment()));
            case StreamEvent.Finish f when f.choice() == 0 -> {
                closeBlock(out);
                finish = f.reason();
                stopSequence = f.stopSequence();
            }
            case StreamEvent.UsageReport u -> {
                ObjectNode delta = Json.object().put("type", "message_delta");
                AnthropicMessagesEncoder.stop(delta.putObject("delta"), finish, stopSequence);
                delta.putObject("usage").put("output_tokens", u.usage().outputTokens());
                frame(out, delta);
                frame(out, Json.object().put("type", "message_stop"));
            }
            default -> { }
        }
        return out;
    }

    private void startBlock(Buffer out, String type, ObjectNode contentBlock) {
        closeBlock(out);
        block++;
        open = true;
        openType = type;
        ObjectNode e = Json.object().put("type", "content_block_start").put("index", block);
        e.set("content_block", contentBlock);
        frame(out, e);
    }

    private void delta(Buffer out, ObjectNode delta) {
        ObjectNode e = Json.object().put("type", "content_block_delta").put("index", block);
        e.set("delta", delta);
        frame(out, e);
    }

    private void closeBlock(Buffer out) {
        if (!open) return;
        open = false;
        frame(out, Json.object().put("type", "content_block_stop").put("index", block));
    }

    private static void frame(Buffer out, ObjectNode data) {
        out.appendString("event: ").appendString(data.get("type").textValue()).appendString("\ndata: ")
                .appendBuffer(Json.buffer(data)).appendString("\n\n");
    }
}
