package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes canonical stream events as {@code chat.completion.chunk} objects. Created per stream
 * and not thread-safe: it remembers the id, model and creation time of the stream's Start event so
 * that every chunk repeats them, as OpenAI's do.
 *
 * <p>Finish reasons and the usage wait for {@link #end}: the official SDKs' accumulators take a
 * finish reason on every choice seen so far for the end of the stream, so with {@code n > 1} a
 * choice that ended before the next one began (a simulator's or a translated provider's order)
 * would cut the others off. At the end come one chunk with every choice's finish reason, then the
 * usage chunk (the last usage reported), as OpenAI orders them.
 */
public final class OpenAiChunkEncoder implements OpenAiStreams.ChunkEncoding {

    private final String model;
    private final boolean includeUsage;
    /** The request used the deprecated {@code functions}: its call streams as {@code delta.function_call}. */
    private final boolean legacyFunctions;
    private String id = OpenAiChatEncoder.completionId(null); // until Start names the answer
    private long created;
    /** Choices whose first chunk (the one carrying the role) has gone out; choice 0's goes with Start. */
    private final java.util.BitSet opened = new java.util.BitSet();
    /** The finish reasons so far, one choice each, in a chunk for {@link #end}; null before the first. */
    private ObjectNode finishes;
    private Usage usage;
    /**
     * The provider signs a thinking block after its text (Anthropic's, Bedrock's): the text since the
     * last signature is kept, to go out with it. Other providers' reasoning is not kept.
     */
    private final boolean signsAfterText;
    /** Per choice, from its first signed reasoning on: the text kept, and how many thinking blocks have gone out. */
    private java.util.Map<Integer, Thinking> thinking;

    private static final class Thinking {
        final StringBuilder text = new StringBuilder();
        int blocks;
    }

    /**
     * @param model        the name the client asked for, shown in every chunk
     * @param includeUsage whether the client asked for the usage chunk
     */
    public OpenAiChunkEncoder(String model, boolean includeUsage) {
        this(model, includeUsage, false, false);
    }

    /**
     * @param legacyFunctions the request used the deprecated {@code functions} ({@link LegacyFunctions})
     * @param signsAfterText  the stream's provider signs each thinking block after its text (Anthropic, Bedrock)
     */
    public OpenAiChunkEncoder(String model, boolean includeUsage, boolean legacyFunctions, boolean signsAfterText) {
        this.model = model;
        this.includeUsage = includeUsage;
        this.legacyFunctions = legacyFunctions;
        this.signsAfterText = signsAfterText;
    }

    /** The chunk for one event, or null when the event has none now (a finish or the usage, kept for {@link #end}). */
    @Override
    public ObjectNode encode(StreamEvent event) {
        return switch (event) {
            case StreamEvent.Start s -> {
                id = OpenAiChatEncoder.completionId(s.id());
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
            case StreamEvent.ReasoningDelta r when r.text() == null && r.signature() == null -> null;
            case StreamEvent.ReasoningDelta r -> {
                ObjectNode c = chunk(r.choice());
                if (r.text() != null) delta(c).put("reasoning_content", r.text());
                if (r.text() != null && signsAfterText && r.signature() == null) thinking(r.choice()).text.append(r.text());
                if (r.signature() != null) signature(r, delta(c));
                yield c;
            }
            // a legacy answer has one function_call: the first call (LegacyFunctions), later ones have no place
            case StreamEvent.ToolCallStart s when legacyFunctions -> s.index() != 0 ? null : functionCall(s.choice(), s.name(), "");
            case StreamEvent.ToolCallDelta d when legacyFunctions -> d.index() != 0 ? null : functionCall(d.choice(), null, d.argumentsFragment());
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
                if (finishes == null) {
                    finishes = header();
                    finishes.putArray("choices");
                }
                String reason = legacyFunctions && f.reason() == dev.switchboard.model.FinishReason.TOOL_CALLS
                        ? LegacyFunctions.FINISH : OpenAiChatEncoder.finishReason(f.reason());
                choice((ArrayNode) finishes.get("choices"), f.choice()).put("finish_reason", reason);
                yield null;
            }
            case StreamEvent.UsageReport u -> {
                usage = u.usage();
                yield null;
            }
            case StreamEvent.UsageSoFar u -> null;
        };
    }

    private ObjectNode functionCall(int choice, String name, String arguments) {
        ObjectNode c = chunk(choice);
        ObjectNode call = delta(c).putObject("function_call");
        if (name != null) call.put("name", name);
        call.put("arguments", arguments);
        return c;
    }

    /**
     * A signature closes its reasoning: it goes out as a {@code thinking_blocks} entry holding that
     * reasoning's text and the signature, as in an answer ({@link OpenAiChatEncoder#message}), with
     * an {@code index} of its own so that an SDK's stream accumulator appends it. The text is the
     * event's own, with what was kept since the last signature before it; a signature that is a
     * part of its own (Gemini's, standing for the part after it) carries none.
     */
    private void signature(StreamEvent.ReasoningDelta r, ObjectNode delta) {
        Thinking t = thinking(r.choice());
        String text = null;
        if (!r.ownPart()) {
            if (r.text() != null) t.text.append(r.text());
            text = t.text.toString();
            t.text.setLength(0);
        }
        delta.putArray("thinking_blocks").add(OpenAiChatEncoder.thinkingBlock(text, r.signature(), false).put("index", t.blocks++));
    }

    private Thinking thinking(int choice) {
        if (thinking == null) thinking = new java.util.HashMap<>(2);
        return thinking.computeIfAbsent(choice, k -> new Thinking());
    }

    /** The chunks kept for the end of the stream: the finish reasons, then the usage when the client asked for it. */
    @Override
    public List<ObjectNode> end() {
        List<ObjectNode> out = new ArrayList<>(2);
        if (finishes != null) out.add(finishes);
        if (includeUsage && usage != null) {
            ObjectNode c = header();
            c.putArray("choices");
            c.set("usage", OpenAiChatEncoder.usage(usage));
            out.add(c);
        }
        finishes = null;
        usage = null;
        return out;
    }

    private ObjectNode header() {
        ObjectNode c = Json.object();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    private ObjectNode chunk(int choice) {
        ObjectNode c = header();
        choice(c.putArray("choices"), choice);
        return c;
    }

    /** Adds choice {@code index} with an empty delta, which carries the role when the choice is new. */
    private ObjectNode choice(ArrayNode list, int index) {
        ObjectNode ch = list.addObject();
        ch.put("index", index);
        ObjectNode delta = ch.putObject("delta");
        if (!opened.get(index)) {
            opened.set(index);
            delta.put("role", "assistant");
        }
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
        return ch;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }
}
