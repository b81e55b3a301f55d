package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Frames a canonical event stream as Anthropic's server-sent events, event by event:
 * <pre>
 *   message_start
 *   (content_block_start, content_block_delta*, content_block_stop)*   one run per block
 *   message_delta        stop_reason and the usage
 *   message_stop
 * </pre>
 * Blocks are numbered from 0 in the order they open. Text deltas go to a text block, reasoning
 * deltas to a thinking block ({@code thinking_delta}, then {@code signature_delta} when the
 * signature comes), each tool call to a tool_use block whose arguments arrive as
 * {@code input_json_delta} (arguments that are no JSON object are not shown: the block's input
 * stays {@code {}}, as in a JSON answer). A delta of another kind than the open block closes it and opens the
 * next. Only the first choice is shown: Anthropic has no {@code n}.
 *
 * <p>Anthropic's blocks run strictly one after another, but an OpenAI-format server may interleave
 * parallel tool calls (a second call starts, then the first gets more arguments). A call that
 * starts while another tool block is open therefore waits, its arguments gathered, while the open
 * one goes on streaming; the waiting calls go out whole, each as one block, when the open block
 * must close (other content, or the finish).
 *
 * <p>Usage: canonical providers report it at the end, so {@code message_start} carries zeros and
 * {@code message_delta} the whole usage — input, cache reads and writes, output — cumulative, as
 * Anthropic's own {@code message_delta} is; the SDKs' accumulators take the input counts from it.
 * {@code message_delta} and {@code message_stop} go out when the upstream ends, after its usage.
 *
 * <p>Created per stream, not thread-safe; used on the response's event loop.
 */
final class AnthropicStreamEncoder implements SseResponse.Framing<StreamEvent> {

    private enum Kind { TEXT, THINKING, TOOL }

    private final String model;
    private final String requestId;
    private final Consumer<Usage> usageSink;
    private boolean started;
    private int nextIndex;
    /** The open block's index and kind, or -1 when none is open. */
    private int openIndex = -1;
    private Kind openKind;
    /** The open tool block's canonical call index. */
    private int openTool = -1;
    /** The open tool block's arguments: 0 nothing seen yet, 1 a JSON object, 2 something else (not shown). */
    private int argumentsShape;
    /** Block index of each canonical tool call, for deltas that come after another block opened. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>(4);
    /** Tool calls that started while another tool block was open, in the order they started. */
    private final Map<Integer, Waiting> waiting = new LinkedHashMap<>(4);

    private record Waiting(String id, String name, StringBuilder arguments) {}
    private FinishReason finish;
    private String stopSequence;
    private Usage usage;

    /**
     * @param model     the name the client asked for
     * @param requestId shown in an error event, as Anthropic shows its own
     * @param usageSink told each usage the stream reports, for accounting
     */
    AnthropicStreamEncoder(String model, String requestId, Consumer<Usage> usageSink) {
        this.model = model;
        this.requestId = requestId;
        this.usageSink = usageSink;
    }

    @Override
    public Buffer event(StreamEvent event) {
        if (event instanceof StreamEvent.UsageReport u) {
            usage = u.usage();
            usageSink.accept(usage);
            return null;
        }
        if (event instanceof StreamEvent.UsageSoFar || choiceOf(event) != 0) return null;
        Buffer out = Buffer.buffer(256);
        switch (event) {
            case StreamEvent.Start s -> {
                if (!started) start(out, s.id());
            }
            case StreamEvent.TextDelta t -> {
                release(out);
                open(out, Kind.TEXT, -1, null, null);
                ObjectNode delta = Json.object().put("type", "text_delta").put("text", t.text());
                AnthropicStreams.append(out, "content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", delta));
            }
            case StreamEvent.ReasoningDelta r when r.ownPart() -> {
                // a signature standing for the part after it: an empty thinking block of its own, as in a JSON answer
                release(out);
                close(out);
                open(out, Kind.THINKING, -1, null, null);
                ObjectNode delta = Json.object().put("type", "signature_delta").put("signature", r.signature());
                AnthropicStreams.append(out, "content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", delta));
                close(out);
            }
            case StreamEvent.ReasoningDelta r -> {
                release(out);
                open(out, Kind.THINKING, -1, null, null);
                if (r.text() != null && !r.text().isEmpty()) {
                    ObjectNode delta = Json.object().put("type", "thinking_delta").put("thinking", r.text());
                    AnthropicStreams.append(out, "content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", delta));
                }
                if (r.signature() != null) {
                    ObjectNode delta = Json.object().put("type", "signature_delta").put("signature", r.signature());
                    AnthropicStreams.append(out, "content_block_delta", blockEvent("content_block_delta", openIndex).set("delta", delta));
                }
            }
            case StreamEvent.ToolCallStart c -> {
                if (openKind == Kind.TOOL && openTool != c.index() || !waiting.isEmpty()) {
                    Waiting prior = waiting.get(c.index()); // its arguments may have come first
                    waiting.put(c.index(), new Waiting(c.id(), c.name(), prior != null ? prior.arguments() : new StringBuilder()));
                } else {
                    open(out, Kind.TOOL, c.index(), c.id(), c.name());
                }
            }
            case StreamEvent.ToolCallDelta d -> {
                Waiting w = waiting.get(d.index());
                if (w != null) {
                    w.arguments().append(d.argumentsFragment());
                } else if (openKind == Kind.TOOL && openTool == d.index()) {
                    liveArguments(out, d.argumentsFragment());
                } else if (!toolBlocks.containsKey(d.index())) { // arguments without a start: a block with what is known
                    if (openKind == Kind.TOOL) {
                        waiting.put(d.index(), new Waiting("toolu_" + d.index(), "", new StringBuilder(d.argumentsFragment())));
                    } else {
                        open(out, Kind.TOOL, d.index(), "toolu_" + d.index(), "");
                        liveArguments(out, d.argumentsFragment());
                    }
                }
                // else: more arguments for a block other content already closed; Anthropic's stream has no place for them
            }
            case StreamEvent.Finish f -> {
                release(out);
                close(out);
                finish = f.reason();
                stopSequence = f.stopSequence();
            }
            case StreamEvent.UsageReport u -> throw new IllegalStateException("handled above");
            case StreamEvent.UsageSoFar u -> throw new IllegalStateException("handled above");
        }
        return out.length() == 0 ? null : out;
    }

    @Override
    public Buffer end() {
        Buffer out = Buffer.buffer(256);
        if (!started) start(out, null);
        release(out);
        close(out);
        ObjectNode delta = Json.object();
        delta.put("type", "message_delta");
        AnthropicMessagesEncoder.stop(delta.putObject("delta"), finish == null ? FinishReason.STOP : finish, stopSequence);
        delta.set("usage", AnthropicMessagesEncoder.usage(usage));
        AnthropicStreams.append(out, "message_delta", delta);
        AnthropicStreams.append(out, "message_stop", Json.object().put("type", "message_stop"));
        return out;
    }

    @Override
    public Buffer error(UpstreamException error) {
        return ErrorRenderer.anthropicStreamError(error.error(), requestId);
    }

    private void start(Buffer out, String id) {
        started = true;
        ObjectNode event = Json.object().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", AnthropicMessagesEncoder.messageId(id));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", AnthropicMessagesEncoder.usage(Usage.ZERO));
        AnthropicStreams.append(out, "message_start", event);
    }

    /** Opens a block of {@code kind} unless one is open already (a tool block: unless it is this call's). */
    private void open(Buffer out, Kind kind, int tool, String id, String name) {
        if (!started) start(out, null);
        if (openKind == kind && (kind != Kind.TOOL || openTool == tool)) return;
        close(out);
        openIndex = nextIndex++;
        openKind = kind;
        openTool = tool;
        ObjectNode block = switch (kind) {
            case TEXT -> Json.object().put("type", "text").put("text", "");
            case THINKING -> Json.object().put("type", "thinking").put("thinking", "").put("signature", "");
            case TOOL -> {
                toolBlocks.put(tool, openIndex);
                argumentsShape = 0;
                ObjectNode b = Json.object().put("type", "tool_use").put("id", id).put("name", name);
                b.putObject("input");
                yield b;
            }
        };
        AnthropicStreams.append(out, "content_block_start", blockEvent("content_block_start", openIndex).set("content_block", block));
    }

    private void close(Buffer out) {
        if (openIndex < 0) return;
        AnthropicStreams.append(out, "content_block_stop", blockEvent("content_block_stop", openIndex));
        openIndex = -1;
        openKind = null;
        openTool = -1;
    }

    /** Closes the open block, then sends each waiting tool call whole, as a block of its own. */
    private void release(Buffer out) {
        if (waiting.isEmpty()) return;
        close(out);
        for (Map.Entry<Integer, Waiting> e : waiting.entrySet()) {
            open(out, Kind.TOOL, e.getKey(), e.getValue().id(), e.getValue().name());
            liveArguments(out, e.getValue().arguments().toString());
            close(out);
        }
        waiting.clear();
    }

    /**
     * Streams a fragment of the open tool block's arguments, unless they are no JSON object (a
     * string, an array): then the block's input stays {@code {}}, as in a JSON answer, and the
     * SDKs do not assemble a non-object {@code input}.
     */
    private void liveArguments(Buffer out, String fragment) {
        if (argumentsShape == 0) {
            int i = 0;
            while (i < fragment.length() && Character.isWhitespace(fragment.charAt(i))) i++;
            if (i == fragment.length()) return; // nothing to tell by yet
            argumentsShape = fragment.charAt(i) == '{' ? 1 : 2;
            fragment = fragment.substring(i);
        }
        if (argumentsShape == 1) inputDelta(out, openIndex, fragment);
    }

    private static void inputDelta(Buffer out, int index, String fragment) {
        ObjectNode delta = Json.object().put("type", "input_json_delta").put("partial_json", fragment);
        AnthropicStreams.append(out, "content_block_delta", blockEvent("content_block_delta", index).set("delta", delta));
    }

    private static ObjectNode blockEvent(String type, int index) {
        return Json.object().put("type", type).put("index", index);
    }

    private static int choiceOf(StreamEvent e) {
        return switch (e) {
            case StreamEvent.TextDelta t -> t.choice();
            case StreamEvent.ReasoningDelta r -> r.choice();
            case StreamEvent.ToolCallStart s -> s.choice();
            case StreamEvent.ToolCallDelta d -> d.choice();
            case StreamEvent.Finish f -> f.choice();
            case StreamEvent.Start s -> 0;
            case StreamEvent.UsageReport u -> 0;
            case StreamEvent.UsageSoFar u -> 0;
        };
    }
}
