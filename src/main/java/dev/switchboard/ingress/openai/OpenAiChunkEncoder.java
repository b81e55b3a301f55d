package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.StreamEvent;

/**
 * Encodes canonical stream events as {@code chat.completion.chunk} objects. Created per stream
 * and not thread-safe: it remembers the id, model and creation time of the stream's Start event so
 * that every chunk repeats them, as OpenAI's do.
 */
public final class OpenAiChunkEncoder {

    private final String model;
    private final boolean includeUsage;
    private String id = "chatcmpl-switchboard";
    private long created;
    /** Choices whose first chunk (the one carrying the role) has gone out; choice 0's goes with Start. */
    private final java.util.BitSet opened = new java.util.BitSet();

    /**
     * @param model        the name the client asked for, shown in every chunk
     * @param includeUsage whether the client asked for the usage chunk
     */
    public OpenAiChunkEncoder(String model, boolean includeUsage) {
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** The chunk for one event, or null when the event has no chunk of its own (usage not asked for, a reasoning signature). */
    public ObjectNode encode(StreamEvent event) {
        return switch (event) {
            case StreamEvent.Start s -> {
                id = s.id();
                created = s.created();
                opened.set(0);
                ObjectNode delta = chunk(0);
                ((ObjectNode) delta.get("choices").get(0).get("delta")).put("role", "assistant").put("content", "");
                yield delta;
            }
            case StreamEvent.TextDelta t -> {
                ObjectNode c = chunk(t.choice());
                delta(c).put("content", t.text());
                yield c;
            }
            case StreamEvent.ReasoningDelta r when r.text() == null -> null; // a signature alone: OpenAI's format has no place for it
            case StreamEvent.ReasoningDelta r -> {
                ObjectNode c = chunk(r.choice());
                delta(c).put("reasoning_content", r.text());
                yield c;
            }
            case StreamEvent.ToolCallStart s -> {
                ObjectNode c = chunk(s.choice());
                ObjectNode call = delta(c).putArray("tool_calls").addObject();
                call.put("index", s.index());
                call.put("id", s.id());
                call.put("type", "function");
                call.putObject("function").put("name", s.name()).put("arguments", "");
                yield c;
            }
            case StreamEvent.ToolCallDelta d -> {
                ObjectNode c = chunk(d.choice());
                ObjectNode call = delta(c).putArray("tool_calls").addObject();
                call.put("index", d.index());
                call.putObject("function").put("arguments", d.argumentsFragment());
                yield c;
            }
            case StreamEvent.Finish f -> {
                ObjectNode c = chunk(f.choice());
                ((ObjectNode) c.get("choices").get(0)).put("finish_reason", OpenAiChatEncoder.finishReason(f.reason()));
                yield c;
            }
            case StreamEvent.UsageReport u -> {
                if (!includeUsage) yield null;
                ObjectNode c = header();
                c.putArray("choices");
                c.set("usage", OpenAiChatEncoder.usage(u.usage()));
                yield c;
            }
        };
    }

    private ObjectNode header() {
        ObjectNode c = dev.switchboard.transport.Json.object();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    private ObjectNode chunk(int choice) {
        ObjectNode c = header();
        ObjectNode ch = c.putArray("choices").addObject();
        ch.put("index", choice);
        ObjectNode delta = ch.putObject("delta");
        if (!opened.get(choice)) {
            opened.set(choice);
            delta.put("role", "assistant");
        }
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
        return c;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }
}
