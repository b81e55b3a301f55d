package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.http.SseResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Frames a canonical event stream as the Responses API's server-sent events. Every event is
 * named ({@code event: <type>}), its data carries the same {@code type} and a
 * {@code sequence_number} that starts at 0 and grows by one per event:
 * <pre>
 *   response.created, response.in_progress                  the response, status in_progress
 *   per output item, in the order they open (output_index 0, 1, …):
 *     message:       output_item.added, content_part.added, output_text.delta*,
 *                    output_text.done, content_part.done, output_item.done
 *     function_call: output_item.added, function_call_arguments.delta*,
 *                    function_call_arguments.done, output_item.done
 *     reasoning:     output_item.added, reasoning_text.delta*, reasoning_text.done, output_item.done
 *   response.completed | response.incomplete               the whole response, usage included
 * </pre>
 * An item closes when an item of another kind (or another tool call) opens, or at the finish.
 * A tool call that starts while another call's item is open (an OpenAI-format server may
 * interleave parallel calls) waits with its arguments gathered, and goes out whole when the open
 * item closes, so no delta ever follows its item's {@code output_item.done}.
 * The terminal event goes out when the upstream ends, after its usage. A failure after the
 * commit point ends the stream with {@code response.failed}, whose response has status
 * {@code failed} and {@code error {code, message}}. Only the first choice is shown.
 *
 * <p>Created per stream, not thread-safe; used on the response's event loop.
 */
final class ResponsesStreamEncoder implements SseResponse.Framing<StreamEvent> {

    static final Buffer PING = Buffer.buffer(": ping\n\n");
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private enum Kind { TEXT, REASONING, TOOL }

    /** One output item while it streams. */
    private static final class Item {
        final Kind kind;
        final int outputIndex;
        final String id;
        final StringBuilder text = new StringBuilder();
        String callId;
        String name;
        String signature;

        Item(Kind kind, int outputIndex, String id) {
            this.kind = kind;
            this.outputIndex = outputIndex;
            this.id = id;
        }
    }

    private final ObjectNode response;
    private final ArrayNode output;
    private final Consumer<Usage> usageSink;
    private final Consumer<ObjectNode> onDone;
    private long sequence;
    private boolean started;
    private Item open;
    private final Map<Integer, Item> tools = new HashMap<>(4);
    /** Tool calls that started while another call's item was open, in the order they started. */
    private final Map<Integer, Waiting> waiting = new LinkedHashMap<>(4);

    private record Waiting(String callId, String name, StringBuilder arguments) {}
    private FinishReason finish;
    private Usage usage;

    /**
     * @param response  the response envelope ({@link ResponsesEncoder#envelope}), status in_progress
     * @param usageSink told each usage the stream reports, for accounting
     * @param onDone    given the final response (completed or incomplete) when the stream ends well
     */
    ResponsesStreamEncoder(ObjectNode response, Consumer<Usage> usageSink, Consumer<ObjectNode> onDone) {
        this.response = response;
        this.output = (ArrayNode) response.get("output");
        this.usageSink = usageSink;
        this.onDone = onDone;
    }

    @Override
    public Buffer event(StreamEvent event) {
        if (event instanceof StreamEvent.UsageReport u) {
            usage = u.usage();
            usageSink.accept(usage);
            return null;
        }
        if (event instanceof StreamEvent.UsageSoFar) return null;
        Buffer out = Buffer.buffer(256);
        start(out);
        switch (event) {
            case StreamEvent.Start s -> { }
            case StreamEvent.TextDelta t -> {
                if (t.choice() != 0) return null;
                release(out);
                Item item = open(out, Kind.TEXT, -1);
                item.text.append(t.text());
                append(out, delta("response.output_text.delta", item).put("content_index", 0).put("delta", t.text()).set("logprobs", Json.NODES.arrayNode()));
            }
            case StreamEvent.ReasoningDelta r when r.ownPart() -> {
                // a signature standing for the part after it: a reasoning item of its own, as in a JSON answer
                if (r.choice() != 0) return null;
                release(out);
                close(out);
                open(out, Kind.REASONING, -1).signature = r.signature();
                close(out);
            }
            case StreamEvent.ReasoningDelta r -> {
                if (r.choice() != 0) return null;
                release(out);
                Item item = open(out, Kind.REASONING, -1);
                if (r.text() != null && !r.text().isEmpty()) {
                    item.text.append(r.text());
                    append(out, delta("response.reasoning_text.delta", item).put("content_index", 0).put("delta", r.text()));
                }
                if (r.signature() != null) item.signature = r.signature();
            }
            case StreamEvent.ToolCallStart c -> {
                if (c.choice() != 0) return null;
                if (!waiting.isEmpty() || open != null && open.kind == Kind.TOOL && tools.get(c.index()) != open) {
                    Waiting prior = waiting.get(c.index()); // its arguments may have come first
                    waiting.put(c.index(), new Waiting(c.id(), c.name(), prior != null ? prior.arguments() : new StringBuilder()));
                    return out.length() == 0 ? null : out;
                }
                Item item = open(out, Kind.TOOL, c.index(), c.id(), c.name());
                // already open when its arguments came first: then the done item carries them
                if (c.id() != null) item.callId = c.id();
                if (c.name() != null) item.name = c.name();
            }
            case StreamEvent.ToolCallDelta d -> {
                if (d.choice() != 0) return null;
                Waiting w = waiting.get(d.index());
                Item item = tools.get(d.index());
                if (w != null) {
                    w.arguments().append(d.argumentsFragment());
                } else if (item == null && open != null && open.kind == Kind.TOOL) {
                    waiting.put(d.index(), new Waiting(null, null, new StringBuilder(d.argumentsFragment())));
                } else if (item == null || item == open) {
                    if (item == null) item = open(out, Kind.TOOL, d.index());
                    item.text.append(d.argumentsFragment());
                    append(out, delta("response.function_call_arguments.delta", item).put("delta", d.argumentsFragment()));
                }
                // else: more arguments for an item other output already closed; the stream has no place for them
            }
            case StreamEvent.Finish f -> {
                if (f.choice() != 0) return null;
                finish = f.reason();
                release(out);
                emptyAnswer(out);
                close(out);
            }
            case StreamEvent.UsageReport u -> throw new IllegalStateException("handled above");
            case StreamEvent.UsageSoFar u -> throw new IllegalStateException("handled above");
        }
        return out.length() == 0 ? null : out;
    }

    @Override
    public Buffer end() {
        Buffer out = Buffer.buffer(512);
        start(out);
        release(out);
        emptyAnswer(out);
        close(out);
        ResponsesEncoder.finish(response, finish, usage);
        String type = ResponsesEncoder.isIncomplete(finish) ? "response.incomplete" : "response.completed";
        append(out, event(type).set("response", response));
        onDone.accept(response);
        return out;
    }

    @Override
    public Buffer error(UpstreamException error) {
        Buffer out = Buffer.buffer(256);
        start(out);
        // the open item is shown as it stands (it was a placeholder): what reached the client, incomplete
        if (open != null) output.set(open.outputIndex, asItem(open, "incomplete"));
        response.put("status", "failed");
        response.putObject("error").put("code", failedCode(error.error().kind())).put("message", error.error().getMessage());
        if (usage != null) response.set("usage", ResponsesEncoder.usage(usage));
        append(out, event("response.failed").set("response", response));
        return out;
    }

    /**
     * A failed response's {@code error.code} is one of OpenAI's own set for it (the SDKs reject
     * others): a throttle or spent budget is {@code rate_limit_exceeded}, a request the provider
     * refused {@code invalid_prompt}, anything else {@code server_error}. The message says which.
     */
    static String failedCode(ErrorKind kind) {
        return switch (kind) {
            case RATE_LIMIT_EXCEEDED, BUDGET_EXCEEDED -> "rate_limit_exceeded";
            default -> kind.status() < 500 ? "invalid_prompt" : "server_error";
        };
    }

    private void start(Buffer out) {
        if (started) return;
        started = true;
        append(out, event("response.created").set("response", response));
        append(out, event("response.in_progress").set("response", response));
    }

    /** The open item of {@code kind}, opening it (and closing another) when needed. */
    /** An answer with no output at all is one empty message, as the same answer in JSON is. */
    private void emptyAnswer(Buffer out) {
        if (output.isEmpty()) open(out, Kind.TEXT, -1);
    }

    private Item open(Buffer out, Kind kind, int tool) {
        return open(out, kind, tool, null, null);
    }

    /**
     * As above; a tool call's item is that call's, and is shown from its {@code output_item.added}
     * on with its id and function name (clients act on that event).
     */
    private Item open(Buffer out, Kind kind, int tool, String callId, String name) {
        if (open != null && open.kind == kind && (kind != Kind.TOOL || tools.get(tool) == open)) return open;
        close(out);
        Item item = new Item(kind, output.size(), ResponsesItems.id(switch (kind) {
            case TEXT -> "msg";
            case REASONING -> "rs";
            case TOOL -> "fc";
        }));
        open = item;
        ObjectNode shown = switch (kind) {
            case TEXT -> ResponsesEncoder.messageItem(item.id, null, "in_progress");
            case REASONING -> ResponsesEncoder.reasoningItem(item.id, null, null);
            case TOOL -> {
                tools.put(tool, item);
                item.callId = callId != null ? callId : "call_" + tool;
                item.name = name != null ? name : "";
                yield ResponsesEncoder.functionCallItem(item.id, item.callId, item.name, "", "in_progress");
            }
        };
        output.add(shown); // a placeholder at its output_index, replaced when the item is done
        append(out, event("response.output_item.added").put("output_index", item.outputIndex).set("item", shown));
        if (kind == Kind.TEXT) {
            append(out, delta("response.content_part.added", item).put("content_index", 0).set("part", ResponsesEncoder.outputText("")));
        }
        return item;
    }

    /** Closes the open item, then sends each waiting tool call whole, as an item of its own. */
    private void release(Buffer out) {
        if (waiting.isEmpty()) return;
        close(out);
        for (Map.Entry<Integer, Waiting> e : waiting.entrySet()) {
            Item item = open(out, Kind.TOOL, e.getKey(), e.getValue().callId(), e.getValue().name());
            String arguments = e.getValue().arguments().toString();
            if (!arguments.isEmpty()) {
                item.text.append(arguments);
                append(out, delta("response.function_call_arguments.delta", item).put("delta", arguments));
            }
            close(out);
        }
        waiting.clear();
    }

    private void close(Buffer out) {
        Item item = open;
        if (item == null) return;
        open = null;
        String text = item.text.toString();
        switch (item.kind) {
            case TEXT -> {
                append(out, delta("response.output_text.done", item).put("content_index", 0).put("text", text).set("logprobs", Json.NODES.arrayNode()));
                append(out, delta("response.content_part.done", item).put("content_index", 0).set("part", ResponsesEncoder.outputText(text)));
            }
            case REASONING -> append(out, delta("response.reasoning_text.done", item).put("content_index", 0).put("text", text));
            case TOOL -> append(out, delta("response.function_call_arguments.done", item).put("name", item.name).put("arguments", text));
        }
        boolean cut = item.kind == Kind.TEXT && ResponsesEncoder.isIncomplete(finish);
        ObjectNode done = asItem(item, cut ? "incomplete" : "completed");
        output.set(item.outputIndex, done);
        append(out, event("response.output_item.done").put("output_index", item.outputIndex).set("item", done));
    }

    /** The item as it stands, with what it carried so far. */
    private static ObjectNode asItem(Item item, String status) {
        String text = item.text.toString();
        return switch (item.kind) {
            case TEXT -> ResponsesEncoder.messageItem(item.id, text, status);
            case REASONING -> ResponsesEncoder.reasoningItem(item.id, text, item.signature);
            case TOOL -> ResponsesEncoder.functionCallItem(item.id, item.callId, item.name, text, status);
        };
    }

    private ObjectNode event(String type) {
        return Json.object().put("type", type);
    }

    private ObjectNode delta(String type, Item item) {
        return event(type).put("item_id", item.id).put("output_index", item.outputIndex);
    }

    /** Stamps the next sequence number and appends {@code event: type} and {@code data: json}. */
    private void append(Buffer out, ObjectNode data) {
        data.put("sequence_number", sequence++);
        frame(out, data);
    }

    /** Appends {@code event: type} and {@code data: json}: one event of the Responses stream, its sequence number already set. */
    static void frame(Buffer out, ObjectNode data) {
        out.appendBytes(EVENT).appendString(data.get("type").textValue()).appendBytes(DATA).appendBytes(Json.bytes(data)).appendBytes(END);
    }
}
