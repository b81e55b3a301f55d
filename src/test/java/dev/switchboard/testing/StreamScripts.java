package dev.switchboard.testing;

import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import java.util.List;

/** Canonical event streams that more than one format's stream encoder is tested with. */
public final class StreamScripts {

    private StreamScripts() {}

    /**
     * Two parallel tool calls as an OpenAI-format server may interleave them: {@code call_b}
     * starts, then {@code call_a} gets the rest of its arguments. Whole, a's are
     * {@code {"city":"A"}} and b's {@code {"city":"B"}}.
     */
    public static final List<StreamEvent> INTERLEAVED_TOOL_CALLS = List.of(
            new StreamEvent.Start("chatcmpl-9", "up", 0),
            new StreamEvent.ToolCallStart(0, 0, "call_a", "a"),
            new StreamEvent.ToolCallDelta(0, 0, "{\"city\":"),
            new StreamEvent.ToolCallStart(0, 1, "call_b", "b"),
            new StreamEvent.ToolCallDelta(0, 1, "{\"city\":"),
            new StreamEvent.ToolCallDelta(0, 0, "\"A\"}"),
            new StreamEvent.ToolCallDelta(0, 1, "\"B\"}"),
            new StreamEvent.Finish(0, FinishReason.TOOL_CALLS));
}
