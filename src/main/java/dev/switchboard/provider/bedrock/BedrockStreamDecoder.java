package dev.switchboard.provider.bedrock;

import dev.switchboard.transport.EventStreamDecoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes ConverseStream event frames into canonical stream events, one frame at a time; created
 * per stream and not thread-safe. {@code messageStart} opens the stream; a
 * {@code contentBlockStart} with {@code start.toolUse} opens a tool call (numbered in order of
 * appearance, keyed by {@code contentBlockIndex}); {@code contentBlockDelta} carries text,
 * {@code toolUse.input} fragments (the arguments' JSON text, as produced) or
 * {@code reasoningContent} ({@code text}, {@code signature}, or {@code redactedContent});
 * {@code messageStop} is the finish (its {@code stopReason} mapped as in
 * {@link BedrockResponseDecoder}); {@code metadata} carries the usage, reported once at the end.
 * A frame whose payload is not JSON is skipped. A call of the JSON answer tool streams as the
 * answer's text: its input fragments are text deltas, and a turn that stopped only for it stops.
 */
final class BedrockStreamDecoder implements TranslatedSource.Translator<EventStreamDecoder.Frame, StreamEvent> {

    private final String id;
    private final String model;
    private final long created;
    private boolean started;
    private boolean finished;
    private int calls;
    /** Tool calls by content block: their canonical index, or {@link #ANSWER} for the JSON answer tool. */
    private final Map<Integer, Integer> callByBlock = new HashMap<>(4);
    private static final int ANSWER = -1;
    private final String jsonTool;
    /** Whether the JSON answer tool's input has begun: an answer with no fragments is {@code {}}. */
    private boolean answerBegun;
    private Usage usage;

    /** @param jsonTool the name of the JSON answer tool when the request asked through it, else null */
    BedrockStreamDecoder(String id, String model, long created, String jsonTool) {
        this.id = id;
        this.model = model;
        this.created = created;
        this.jsonTool = jsonTool;
    }

    @Override
    public void onEvent(EventStreamDecoder.Frame frame, Consumer<StreamEvent> out) {
        JsonNode e;
        try {
            e = Json.parse(frame.payload());
        } catch (IOException ex) {
            return;
        }
        String type = frame.eventType();
        if (type == null) return;
        if (!started && !"metadata".equals(type)) {
            started = true;
            out.accept(new StreamEvent.Start(id, model, created));
        }
        switch (type) {
            case "contentBlockStart" -> {
                JsonNode use = e.path("start").get("toolUse");
                if (use != null && JsonAnswerTool.answers(jsonTool, Json.str(use, "name"))) {
                    callByBlock.put(e.path("contentBlockIndex").asInt(-1), ANSWER);
                } else if (use != null) {
                    int k = calls++;
                    callByBlock.put(e.path("contentBlockIndex").asInt(-1), k);
                    out.accept(new StreamEvent.ToolCallStart(0, k, Json.str(use, "toolUseId"), Json.str(use, "name")));
                }
            }
            case "contentBlockDelta" -> {
                JsonNode d = e.path("delta");
                if (d.hasNonNull("text")) {
                    String t = d.get("text").asText();
                    if (!t.isEmpty()) out.accept(new StreamEvent.TextDelta(0, t));
                } else if (d.has("toolUse")) {
                    Integer k = callByBlock.get(e.path("contentBlockIndex").asInt(-1));
                    String input = Json.str(d.get("toolUse"), "input");
                    if (k != null && input != null && !input.isEmpty()) {
                        answerBegun |= k == ANSWER;
                        out.accept(k == ANSWER ? new StreamEvent.TextDelta(0, input) : new StreamEvent.ToolCallDelta(0, k, input));
                    }
                } else if (d.has("reasoningContent")) {
                    JsonNode rc = d.get("reasoningContent");
                    // redactedContent is opaque, not reasoning text: a stream has no canonical form for it
                    // (as Anthropic's streamed redacted_thinking), and as text it would corrupt the signed block
                    String text = Json.str(rc, "text");
                    String sig = Json.str(rc, "signature");
                    if (text != null || sig != null) out.accept(new StreamEvent.ReasoningDelta(0, text, sig));
                }
            }
            case "contentBlockStop" -> {
                Integer k = callByBlock.get(e.path("contentBlockIndex").asInt(-1));
                if (k != null && k == ANSWER && !answerBegun) {
                    answerBegun = true;
                    out.accept(new StreamEvent.TextDelta(0, "{}"));
                }
            }
            case "messageStop" -> {
                if (!finished) {
                    finished = true;
                    out.accept(new StreamEvent.Finish(0, BedrockResponseDecoder.finishReason(Json.str(e, "stopReason"), calls > 0)));
                }
            }
            case "metadata" -> {
                Usage u = BedrockResponseDecoder.usage(e.get("usage"));
                if (u != null) {
                    usage = u;
                    out.accept(new StreamEvent.UsageSoFar(u));
                }
            }
            default -> { }
        }
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        if (usage != null) out.accept(new StreamEvent.UsageReport(usage));
    }
}
