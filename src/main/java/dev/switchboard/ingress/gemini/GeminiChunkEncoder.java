package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.gemini.GeminiParts;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Encodes canonical stream events as Gemini's streamed {@code GenerateContentResponse} chunks.
 * Created per stream and not thread-safe.
 *
 * <p>Each text or thought delta is one chunk. Gemini sends a function call whole, so a call's
 * start and argument deltas are collected and go out as one {@code functionCall} part when the
 * choice moves on (its next text, its finish). A text-less reasoning delta carries a signature for
 * the part that follows it, as in {@link GeminiParts}. A finish is held back until the usage
 * report (or the end) so that {@code usageMetadata} rides on the last chunk with the
 * {@code finishReason}, as Gemini's own last chunk does. Every chunk carries {@code modelVersion}
 * (the client's model name) and {@code responseId}.
 */
public final class GeminiChunkEncoder {

    private final String clientModel;
    private final boolean includeThoughts;
    private String responseId = "switchboard";
    private final Map<Integer, Choice> choices = new HashMap<>(2);
    private ObjectNode held;

    private static final class Choice {
        final List<ContentPart> pending = new ArrayList<>(2);
        final Map<Integer, StringBuilder> args = new HashMap<>(2);
        final Map<Integer, Integer> callAt = new HashMap<>(2);
    }

    public GeminiChunkEncoder(String clientModel, boolean includeThoughts) {
        this.clientModel = clientModel;
        this.includeThoughts = includeThoughts;
    }

    public void encode(StreamEvent event, Consumer<ObjectNode> out) {
        switch (event) {
            case StreamEvent.Start s -> responseId = s.id();
            case StreamEvent.TextDelta t -> {
                Choice c = choice(t.choice());
                c.pending.add(new ContentPart.Text(t.text()));
                emit(t.choice(), c, null, out);
            }
            case StreamEvent.ReasoningDelta r -> {
                Choice c = choice(r.choice());
                boolean hasText = r.text() != null && !r.text().isEmpty();
                if (hasText && includeThoughts) {
                    c.pending.add(new ContentPart.Reasoning(r.text(), r.signature(), false));
                    emit(r.choice(), c, null, out);
                } else if (r.signature() != null) {
                    c.pending.add(new ContentPart.Reasoning(null, r.signature(), false));
                }
            }
            case StreamEvent.ToolCallStart s -> {
                Choice c = choice(s.choice());
                c.callAt.put(s.index(), c.pending.size());
                c.args.put(s.index(), new StringBuilder());
                c.pending.add(new ContentPart.ToolCall(s.id(), s.name(), ""));
            }
            case StreamEvent.ToolCallDelta d -> {
                StringBuilder args = choice(d.choice()).args.get(d.index());
                if (args != null) args.append(d.argumentsFragment());
            }
            case StreamEvent.Finish f -> emit(f.choice(), choice(f.choice()), f, out);
            case StreamEvent.UsageReport u -> {
                ObjectNode last = held != null ? held : Json.object();
                held = null;
                last.set("usageMetadata", GeminiWire.usageMetadata(u.usage()));
                send(last, out);
            }
            case StreamEvent.UsageSoFar u -> { }
        }
    }

    /** The end of the stream: a finish still held goes out. */
    public void end(Consumer<ObjectNode> out) {
        flushHeld(out);
    }

    /** Writes the choice's pending parts (and its finish) as one chunk; a finish chunk is held. */
    private void emit(int index, Choice c, StreamEvent.Finish finish, Consumer<ObjectNode> out) {
        flushHeld(out);
        List<ContentPart> parts = new ArrayList<>(c.pending.size());
        for (int i = 0; i < c.pending.size(); i++) {
            ContentPart p = c.pending.get(i);
            if (p instanceof ContentPart.ToolCall call) {
                Integer k = null;
                for (Map.Entry<Integer, Integer> e : c.callAt.entrySet()) if (e.getValue() == i) k = e.getKey();
                p = new ContentPart.ToolCall(call.id(), call.name(), k == null ? "" : c.args.get(k).toString());
            }
            parts.add(p);
        }
        if (finish == null && !parts.isEmpty() && parts.getLast() instanceof ContentPart.Reasoning r && r.text() == null) {
            return; // a signature waits for the part it belongs to
        }
        c.pending.clear();
        c.args.clear();
        c.callAt.clear();
        ObjectNode chunk = chunk();
        ObjectNode candidate = ((ArrayNode) chunk.get("candidates")).addObject();
        ArrayNode encoded = GeminiParts.encodeAnswer(parts, r -> r.toolCallId());
        if (finish == null) {
            ObjectNode content = candidate.putObject("content");
            content.put("role", "model");
            content.set("parts", encoded);
            candidate.put("index", index);
            send(chunk, out);
            return;
        }
        GeminiResponseEncoder.content(candidate, encoded, finish.reason());
        candidate.put("finishReason", GeminiWire.finishReason(finish.reason()));
        candidate.put("index", index);
        held = chunk;
    }

    private void flushHeld(Consumer<ObjectNode> out) {
        if (held == null) return;
        ObjectNode h = held;
        held = null;
        send(h, out);
    }

    private ObjectNode chunk() {
        ObjectNode chunk = Json.object();
        chunk.putArray("candidates");
        return chunk;
    }

    /** Stamps a chunk with the model name and response id, after its candidates and usage, and hands it on. */
    private void send(ObjectNode chunk, Consumer<ObjectNode> out) {
        chunk.put("modelVersion", clientModel);
        chunk.put("responseId", responseId);
        out.accept(chunk);
    }

    private Choice choice(int index) {
        return choices.computeIfAbsent(index, k -> new Choice());
    }
}
