package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.transport.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes the events of a Cohere v2 Chat stream into canonical {@link StreamEvent}s, one event at
 * a time. The mapping:
 * <ul>
 *   <li>{@code message-start} → {@link StreamEvent.Start} with its {@code id}.</li>
 *   <li>{@code content-delta}: {@code delta.message.content.text} → text,
 *       {@code delta.message.content.thinking} → reasoning; {@code content-start} may carry a
 *       first piece too. {@code tool-plan-delta} → reasoning (the plan before the calls).</li>
 *   <li>{@code tool-call-start} opens a tool call ({@link StreamEvent.ToolCallStart}, numbered per
 *       message from 0, keyed by the event's {@code index}) and sends any arguments it already
 *       carries; {@code tool-call-delta} sends argument fragments (empty ones skipped).</li>
 *   <li>{@code message-end} → {@link StreamEvent.Finish} with {@code delta.finish_reason}, then
 *       {@link StreamEvent.UsageReport} from {@code delta.usage}.</li>
 * </ul>
 * {@code content-end}, {@code tool-call-end}, citation events and event types it does not know
 * are skipped. A stream that ends without {@code message-end} is a truncation: the SSE reader
 * fails it. Created per stream; not thread-safe.
 */
public final class CohereStreamDecoder implements TranslatedSource.Translator<ObjectNode, StreamEvent> {

    private final String upstreamModel;
    private final long created;
    /** Tool calls by the event's {@code index}: their canonical index. */
    private final Map<Integer, Integer> tools = new HashMap<>();
    private boolean started;

    public CohereStreamDecoder(String upstreamModel, long created) {
        this.upstreamModel = upstreamModel;
        this.created = created;
    }

    /** Whether an event completes the stream (Cohere sends no {@code [DONE]}). */
    public static boolean isFinal(JsonNode event) {
        return "message-end".equals(Json.str(event, "type"));
    }

    @Override
    public void onEvent(ObjectNode event, Consumer<StreamEvent> out) {
        String type = Json.str(event, "type");
        if (type == null) return;
        JsonNode message = event.path("delta").path("message");
        switch (type) {
            case "message-start" -> start(Json.str(event, "id"), out);
            case "content-start", "content-delta" -> {
                start(null, out);
                JsonNode content = message.path("content");
                String text = Json.str(content, "text");
                if (text != null && !text.isEmpty()) out.accept(new StreamEvent.TextDelta(0, text));
                String thinking = Json.str(content, "thinking");
                if (thinking != null && !thinking.isEmpty()) out.accept(new StreamEvent.ReasoningDelta(0, thinking, null));
            }
            case "tool-plan-delta" -> {
                start(null, out);
                String plan = Json.str(message, "tool_plan");
                if (plan != null && !plan.isEmpty()) out.accept(new StreamEvent.ReasoningDelta(0, plan, null));
            }
            case "tool-call-start" -> {
                start(null, out);
                JsonNode call = message.path("tool_calls");
                int index = tools.size();
                tools.put(event.path("index").asInt(index), index);
                out.accept(new StreamEvent.ToolCallStart(0, index, Json.str(call, "id"), Json.str(call.path("function"), "name")));
                arguments(index, call, out);
            }
            case "tool-call-delta" -> {
                Integer index = tools.get(event.path("index").asInt(tools.size() - 1));
                if (index != null) arguments(index, message.path("tool_calls"), out);
            }
            case "message-end" -> {
                start(null, out);
                JsonNode delta = event.path("delta");
                FinishReason finish = CohereResponseDecoder.finishReason(Json.str(delta, "finish_reason"));
                out.accept(new StreamEvent.Finish(0, finish));
                Usage usage = CohereResponseDecoder.usage(delta.get("usage"));
                if (usage != null) out.accept(new StreamEvent.UsageReport(usage));
            }
            default -> { }
        }
    }

    /** Everything arrives before {@code message-end}: nothing is held for the end. */
    @Override
    public void onEnd(Consumer<StreamEvent> out) {
    }

    private void start(String id, Consumer<StreamEvent> out) {
        if (started) return;
        started = true;
        out.accept(new StreamEvent.Start(id, upstreamModel, created));
    }

    private static void arguments(int index, JsonNode call, Consumer<StreamEvent> out) {
        String fragment = Json.str(call.path("function"), "arguments");
        if (fragment != null && !fragment.isEmpty()) out.accept(new StreamEvent.ToolCallDelta(0, index, fragment));
    }
}
