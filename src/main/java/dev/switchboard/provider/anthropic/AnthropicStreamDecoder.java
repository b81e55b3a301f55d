package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.transport.Json;
import java.util.HashMap;
import java.util.Map;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.provider.TranslatedSource;
import java.util.function.Consumer;

/**
 * Decodes the events of an Anthropic Messages stream into canonical {@link StreamEvent}s, one
 * event at a time, holding only what later events refer to. The mapping:
 * <ul>
 *   <li>{@code message_start} → {@link StreamEvent.Start}; its usage (the input side) is kept.</li>
 *   <li>{@code content_block_start}: a {@code tool_use} block opens a tool call
 *       ({@link StreamEvent.ToolCallStart}), numbered per message from 0; text and thinking
 *       blocks that already carry text emit it.</li>
 *   <li>{@code content_block_delta}: {@code text_delta} → text, {@code input_json_delta} → tool
 *       arguments (empty fragments skipped), {@code thinking_delta} → reasoning text,
 *       {@code signature_delta} → the reasoning's signature.</li>
 *   <li>{@code content_block_stop} of a tool call whose input never arrived in fragments sends
 *       the input of its start (normally {@code {}}), so the arguments are always valid JSON.</li>
 *   <li>{@code message_delta} → its stop reason and usage are kept; {@code message_stop} →
 *       {@link StreamEvent.Finish} then {@link StreamEvent.UsageReport} with the input usage of
 *       {@code message_start} and the output usage of the last {@code message_delta}.</li>
 * </ul>
 * {@code ping} and {@code error} never reach it ({@link AnthropicSseEvents} drops the one and
 * fails the stream on the other); event and block types it does not know are skipped, as
 * Anthropic's versioning policy asks. Redacted thinking has no stream form in the canonical
 * model and is skipped too. A call of the JSON answer tool
 * ({@link AnthropicRequestEncoder#answersThroughTool}) streams as the answer's text: its input
 * fragments are text deltas, and a turn that stopped only for it stops. Created per stream; not
 * thread-safe.
 */
public final class AnthropicStreamDecoder implements TranslatedSource.Translator<ObjectNode, StreamEvent> {

    private final long created;
    private final AnthropicUsage.Stream usage = new AnthropicUsage.Stream();
    /** Tool calls by their content-block index: their canonical index and whether input arrived. */
    private final Map<Integer, ToolBlock> tools = new HashMap<>();
    private final String jsonTool;
    private int nextTool;
    private String stopReason;

    /** A tool_use block; {@code index} is -1 for the JSON answer tool, whose input is the answer's text. */
    private static final class ToolBlock {
        final int index;
        final JsonNode startInput;
        boolean sentInput;

        ToolBlock(int index, JsonNode startInput) {
            this.index = index;
            this.startInput = startInput;
        }

        boolean answer() {
            return index < 0;
        }

        /** The canonical event carrying {@code fragment} of this block's input. */
        StreamEvent input(String fragment) {
            return answer() ? new StreamEvent.TextDelta(0, fragment) : new StreamEvent.ToolCallDelta(0, index, fragment);
        }
    }

    /**
     * @param created  the creation time to report in {@link StreamEvent.Start} (Anthropic gives none), epoch seconds
     * @param jsonTool the name of the JSON answer tool when the request asked through it, else null
     */
    public AnthropicStreamDecoder(long created, String jsonTool) {
        this.created = created;
        this.jsonTool = jsonTool;
    }

    /** Decodes one event, handing what it yields (zero or more canonical events) to {@code out}. */
    @Override
    public void onEvent(ObjectNode event, Consumer<StreamEvent> out) {
        decode(event, out);
    }

    /** Anthropic emits Finish and usage at {@code message_stop}, inside the stream: nothing is held for the end. */
    @Override
    public void onEnd(Consumer<StreamEvent> out) {
    }

    public void decode(JsonNode event, Consumer<StreamEvent> out) {
        String type = Json.str(event, "type");
        if (type == null) return;
        switch (type) {
            case "message_start" -> {
                JsonNode m = event.path("message");
                usage.event(event);
                out.accept(new StreamEvent.Start(Json.str(m, "id"), Json.str(m, "model"), created));
                soFar(out);
            }
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"), out);
            case "content_block_delta" -> delta(event.path("index").asInt(), event.path("delta"), out);
            case "content_block_stop" -> {
                ToolBlock t = tools.get(event.path("index").asInt());
                if (t != null && !t.sentInput) {
                    t.sentInput = true;
                    out.accept(t.input(Json.text(t.startInput)));
                }
            }
            case "message_delta" -> {
                String reason = Json.str(event.path("delta"), "stop_reason");
                if (reason != null) stopReason = reason;
                usage.event(event);
                soFar(out);
            }
            case "message_stop" -> {
                out.accept(new StreamEvent.Finish(0, AnthropicResponseDecoder.finishReason(stopReason, nextTool > 0)));
                if (usage.usage() != null) out.accept(new StreamEvent.UsageReport(usage.usage()));
            }
            default -> { }
        }
    }

    private void soFar(Consumer<StreamEvent> out) {
        if (usage.usage() != null) out.accept(new StreamEvent.UsageSoFar(usage.usage()));
    }

    private void blockStart(int index, JsonNode block, Consumer<StreamEvent> out) {
        switch (Json.str(block, "type") == null ? "" : Json.str(block, "type")) {
            case "text" -> {
                String text = block.path("text").asText("");
                if (!text.isEmpty()) out.accept(new StreamEvent.TextDelta(0, text));
            }
            case "tool_use" -> {
                JsonNode input = block.get("input");
                boolean given = input != null && input.isObject() && !input.isEmpty();
                String name = Json.str(block, "name");
                boolean answer = JsonAnswerTool.answers(jsonTool, name);
                ToolBlock t = new ToolBlock(answer ? -1 : nextTool++, input != null && input.isObject() ? input : Json.object());
                tools.put(index, t);
                if (!answer) out.accept(new StreamEvent.ToolCallStart(0, t.index, Json.str(block, "id"), name));
                if (given) {
                    // a server that sends the whole input up front: it is the arguments, fragments would repeat it
                    t.sentInput = true;
                    out.accept(t.input(Json.text(input)));
                }
            }
            case "thinking" -> {
                String text = block.path("thinking").asText("");
                String signature = Json.str(block, "signature");
                if (!text.isEmpty() || (signature != null && !signature.isEmpty())) {
                    out.accept(new StreamEvent.ReasoningDelta(0, text.isEmpty() ? null : text, signature == null || signature.isEmpty() ? null : signature));
                }
            }
            default -> { }
        }
    }

    private void delta(int index, JsonNode delta, Consumer<StreamEvent> out) {
        switch (Json.str(delta, "type") == null ? "" : Json.str(delta, "type")) {
            case "text_delta" -> {
                String text = delta.path("text").asText("");
                if (!text.isEmpty()) out.accept(new StreamEvent.TextDelta(0, text));
            }
            case "input_json_delta" -> {
                ToolBlock t = tools.get(index);
                String fragment = delta.path("partial_json").asText("");
                if (t != null && !fragment.isEmpty()) {
                    if (t.sentInput && !t.startInput.isEmpty()) return; // input given up front already
                    t.sentInput = true;
                    out.accept(t.input(fragment));
                }
            }
            case "thinking_delta" -> {
                String text = delta.path("thinking").asText("");
                if (!text.isEmpty()) out.accept(new StreamEvent.ReasoningDelta(0, text, null));
            }
            case "signature_delta" -> {
                String signature = delta.path("signature").asText("");
                if (!signature.isEmpty()) out.accept(new StreamEvent.ReasoningDelta(0, null, signature));
            }
            default -> { }
        }
    }
}
