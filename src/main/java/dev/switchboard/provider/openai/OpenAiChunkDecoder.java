package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.transport.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Decodes a stream of OpenAI {@code chat.completion.chunk} objects into canonical
 * {@link StreamEvent}s, chunk by chunk. Created per stream and not thread-safe.
 *
 * <p>The canonical stream is Start, deltas, a Finish per choice, then at most one UsageReport;
 * OpenAI's chunks map onto it like this:
 * <ul>
 *   <li>The first chunk opens the stream: {@link StreamEvent.Start} with its id, model and
 *       creation time.</li>
 *   <li>Per choice, in the chunk's order: {@code delta.reasoning_content} (or {@code reasoning})
 *       → ReasoningDelta; {@code delta.content} and {@code delta.refusal} → TextDelta (empty
 *       strings, such as the role-only opening chunk, give nothing).</li>
 *   <li>{@code delta.tool_calls}: the first fragment of a call (a new {@code index}) opens it with
 *       {@link StreamEvent.ToolCallStart} — OpenAI puts the id and name there — and every
 *       non-empty {@code function.arguments} fragment is a ToolCallDelta, in order. Calls are
 *       numbered densely per choice in the order they open, whatever indexes the server uses; a
 *       server that omits {@code index} opens a new call with each new id.</li>
 *   <li>{@code finish_reason} → Finish, once per choice.</li>
 *   <li>{@code usage}: OpenAI sends it in a last chunk with no choices when asked
 *       ({@code stream_options.include_usage}); some servers put it on the finishing chunk, or a
 *       running total on every chunk. The decoder keeps the latest and reports it once, when the
 *       stream ends properly, so the report is final and comes after every Finish. A stream
 *       without usage reports none: the gateway does not make numbers up.</li>
 * </ul>
 * A stream that ends properly ({@code [DONE]}) without a finish reason for a choice that spoke is
 * closed with Finish STOP (TOOL_CALLS if it called tools), so every consumer sees a whole stream.
 * Failures — an {@code error} object mid-stream, a cut connection, a deadline — never pass through
 * here: the source below reports them through its error path, as in native mode.
 */
public final class OpenAiChunkDecoder implements TranslatedSource.Translator<ObjectNode, StreamEvent> {

    /** One choice's progress. */
    private static final class ChoiceState {
        /** upstream tool-call index → canonical index */
        final Map<Integer, Integer> calls = new HashMap<>(4);
        int opened;
        String lastId;
        boolean finished;
    }

    private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
    private boolean started;
    private Usage usage;

    @Override
    public void onEvent(ObjectNode chunk, Consumer<StreamEvent> out) {
        if (!started) {
            started = true;
            out.accept(new StreamEvent.Start(Json.str(chunk, "id"), Json.str(chunk, "model"), chunk.path("created").asLong()));
        }
        for (JsonNode c : chunk.path("choices")) choice(c, out);
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = OpenAiProvider.usage(u);
            out.accept(new StreamEvent.UsageSoFar(usage));
        }
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        choices.forEach((index, s) -> {
            if (!s.finished) out.accept(new StreamEvent.Finish(index, s.opened > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP));
        });
        if (usage != null) out.accept(new StreamEvent.UsageReport(usage));
    }

    private void choice(JsonNode c, Consumer<StreamEvent> out) {
        int index = c.path("index").asInt(0);
        ChoiceState s = choices.computeIfAbsent(index, i -> new ChoiceState());
        JsonNode delta = c.get("delta");
        if (delta != null && delta.isObject()) {
            String reasoning = OpenAiResponseDecoder.reasoning(delta);
            if (reasoning != null && !reasoning.isEmpty()) out.accept(new StreamEvent.ReasoningDelta(index, reasoning, null));
            text(index, Json.str(delta, "content"), out);
            text(index, Json.str(delta, "refusal"), out);
            for (JsonNode call : delta.path("tool_calls")) toolCall(index, s, call, out);
        }
        String finish = Json.str(c, "finish_reason");
        if (finish != null && !s.finished) {
            s.finished = true;
            out.accept(new StreamEvent.Finish(index, OpenAiResponseDecoder.finishReason(finish)));
        }
    }

    private static void text(int choice, String text, Consumer<StreamEvent> out) {
        if (text != null && !text.isEmpty()) out.accept(new StreamEvent.TextDelta(choice, text));
    }

    private static void toolCall(int choice, ChoiceState s, JsonNode call, Consumer<StreamEvent> out) {
        JsonNode upstreamIndex = call.get("index");
        String id = Json.str(call, "id");
        Integer index;
        if (upstreamIndex != null && upstreamIndex.canConvertToInt()) {
            index = s.calls.get(upstreamIndex.intValue());
        } else {
            index = s.opened > 0 && (id == null || id.equals(s.lastId)) ? s.opened - 1 : null;
        }
        JsonNode fn = call.path("function");
        if (index == null) {
            index = s.opened++;
            if (upstreamIndex != null && upstreamIndex.canConvertToInt()) s.calls.put(upstreamIndex.intValue(), index);
            s.lastId = id;
            out.accept(new StreamEvent.ToolCallStart(choice, index, OpenAiResponseDecoder.callId(id), Json.str(fn, "name")));
        }
        String args = OpenAiResponseDecoder.arguments(fn.get("arguments"));
        if (args != null && !args.isEmpty()) out.accept(new StreamEvent.ToolCallDelta(choice, index, args));
    }
}
