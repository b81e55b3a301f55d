package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes Gemini's streamed {@code GenerateContentResponse} chunks into canonical stream events,
 * one chunk at a time. Created per stream and not thread-safe.
 *
 * <p>The first chunk opens the stream ({@link StreamEvent.Start} with its {@code responseId} and
 * {@code modelVersion}). Each part of each candidate becomes its delta: text, a thought as a
 * reasoning delta, a function call as a tool-call start followed by one arguments delta holding
 * the whole {@code args} (Gemini sends calls whole), a {@code thoughtSignature} on a non-thought
 * part as a text-less reasoning delta just before it. A candidate's {@code finishReason} is its
 * {@link StreamEvent.Finish} ({@code STOP} after a call is tool calls). Gemini repeats
 * {@code usageMetadata} on chunks, partial ones first; the last with counts is reported once,
 * by {@link #end}, after every finish. A blocked prompt ({@code promptFeedback.blockReason})
 * finishes choice 0 by the content filter.
 */
public final class GeminiStreamDecoder {

    private final String fallbackModel;
    private final Clock clock;
    private boolean started;
    private String id;
    private Usage usage;
    private boolean finished;
    private final Map<Integer, CandidateState> candidates = new HashMap<>(2);

    private static final class CandidateState {
        int calls;
        boolean finished;
        GeminiParts.CallIds ids;
    }

    public GeminiStreamDecoder(String fallbackModel, Clock clock) {
        this.fallbackModel = fallbackModel;
        this.clock = clock;
    }

    /** The events of one chunk, in order. */
    public void chunk(JsonNode chunk, Consumer<StreamEvent> out) {
        if (!started) {
            started = true;
            id = GeminiResponseDecoder.responseId(chunk);
            String model = GeminiWire.text(chunk, "modelVersion");
            out.accept(new StreamEvent.Start(id, model != null ? model : fallbackModel, GeminiResponseDecoder.created(chunk, clock)));
        }
        JsonNode m = GeminiWire.field(chunk, "usageMetadata");
        if (GeminiWire.hasCounts(m)) {
            usage = GeminiWire.usage(m);
            out.accept(new StreamEvent.UsageSoFar(usage));
        }
        List<JsonNode> list = GeminiWire.items(GeminiWire.field(chunk, "candidates"));
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            JsonNode index = GeminiWire.field(c, "index");
            int choice = index != null && index.canConvertToInt() ? index.asInt() : i;
            CandidateState state = candidates.computeIfAbsent(choice, k -> {
                CandidateState s = new CandidateState();
                s.ids = GeminiResponseDecoder.ids(id, k);
                return s;
            });
            List<ContentPart> parts = GeminiParts.decode(GeminiWire.field(GeminiWire.field(c, "content"), "parts"),
                    "candidates[" + i + "].content.parts", state.ids);
            for (ContentPart p : parts) emit(choice, state, p, out);
            String reason = GeminiWire.text(c, "finishReason");
            if (reason != null && !state.finished) {
                state.finished = true;
                finished = true;
                out.accept(new StreamEvent.Finish(choice, GeminiWire.finishReason(reason, state.calls > 0)));
            }
        }
        if (list.isEmpty() && GeminiWire.text(GeminiWire.field(chunk, "promptFeedback"), "blockReason") != null && !finished) {
            finished = true;
            candidates.computeIfAbsent(0, k -> new CandidateState()).finished = true;
            out.accept(new StreamEvent.Finish(0, FinishReason.CONTENT_FILTER));
        }
    }

    private static void emit(int choice, CandidateState state, ContentPart p, Consumer<StreamEvent> out) {
        switch (p) {
            case ContentPart.Text t -> {
                if (!t.text().isEmpty()) out.accept(new StreamEvent.TextDelta(choice, t.text()));
            }
            // a text-less one is the signature of the part after it (GeminiParts), not of the thought before
            case ContentPart.Reasoning r -> out.accept(new StreamEvent.ReasoningDelta(choice, r.text(), r.signature(), r.text() == null));
            case ContentPart.ToolCall call -> {
                int k = state.calls++;
                out.accept(new StreamEvent.ToolCallStart(choice, k, call.id(), call.name()));
                out.accept(new StreamEvent.ToolCallDelta(choice, k, call.arguments()));
            }
            default -> { } // images and files in a streamed answer have no stream event yet
        }
    }

    /** Whether any candidate finished (or the prompt was blocked): a stream that ends before is truncated. */
    public boolean finished() {
        return finished;
    }

    /** What follows the last chunk: the usage report, when the stream gave counts. */
    public void end(Consumer<StreamEvent> out) {
        if (usage != null) out.accept(new StreamEvent.UsageReport(usage));
    }

    /** Whether a raw chunk finishes the stream (for the SSE reader's truncation check). */
    public static boolean isFinal(JsonNode chunk) {
        for (JsonNode c : GeminiWire.items(GeminiWire.field(chunk, "candidates"))) {
            if (GeminiWire.field(c, "finishReason") != null) return true;
        }
        return GeminiWire.text(GeminiWire.field(chunk, "promptFeedback"), "blockReason") != null;
    }
}
