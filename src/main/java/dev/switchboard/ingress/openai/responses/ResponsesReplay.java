package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;

/**
 * A stored response told again as the events its stream sent ({@code GET /v1/responses/{id}?stream=true}):
 * the order and fields of {@link ResponsesStreamEncoder}, each item's text or arguments in one
 * delta, the item ids of the stored response, and the terminal event its status calls for. With
 * {@code starting_after}, only the events after that sequence number.
 */
final class ResponsesReplay {

    private final Buffer out = Buffer.buffer(1024);
    private final long startingAfter;
    private long sequence;

    private ResponsesReplay(long startingAfter) {
        this.startingAfter = startingAfter;
    }

    static Buffer of(ObjectNode stored, long startingAfter) {
        ResponsesReplay r = new ResponsesReplay(startingAfter);
        ObjectNode pending = stored.deepCopy();
        pending.put("status", "in_progress");
        pending.putArray("output");
        pending.putNull("usage");
        pending.putNull("incomplete_details");
        pending.putNull("error");
        r.emit(event("response.created").set("response", pending));
        r.emit(event("response.in_progress").set("response", pending));
        int index = 0;
        for (JsonNode item : stored.path("output")) r.item(item, index++);
        String terminal = switch (stored.path("status").asText()) {
            case "incomplete" -> "response.incomplete";
            case "failed" -> "response.failed";
            default -> "response.completed";
        };
        r.emit(event(terminal).set("response", stored));
        return r.out;
    }

    private void item(JsonNode item, int index) {
        String id = item.path("id").asText();
        ObjectNode added = (ObjectNode) item.deepCopy();
        switch (item.path("type").asText()) {
            case "message" -> {
                added.put("status", "in_progress").putArray("content");
                emit(event("response.output_item.added").put("output_index", index).set("item", added));
                int part = 0;
                for (JsonNode p : item.path("content")) {
                    String text = p.path("text").asText("");
                    emit(delta("response.content_part.added", id, index).put("content_index", part).set("part", ResponsesEncoder.outputText("")));
                    emit(delta("response.output_text.delta", id, index).put("content_index", part).put("delta", text)
                            .set("logprobs", Json.NODES.arrayNode()));
                    emit(delta("response.output_text.done", id, index).put("content_index", part).put("text", text)
                            .set("logprobs", Json.NODES.arrayNode()));
                    emit(delta("response.content_part.done", id, index).put("content_index", part).set("part", p));
                    part++;
                }
            }
            case "function_call" -> {
                String arguments = item.path("arguments").asText("");
                added.put("status", "in_progress").put("arguments", "");
                emit(event("response.output_item.added").put("output_index", index).set("item", added));
                emit(delta("response.function_call_arguments.delta", id, index).put("delta", arguments));
                emit(delta("response.function_call_arguments.done", id, index).put("name", item.path("name").asText()).put("arguments", arguments));
            }
            case "reasoning" -> {
                added.remove("content");
                emit(event("response.output_item.added").put("output_index", index).set("item", added));
                int part = 0;
                for (JsonNode p : item.path("content")) {
                    String text = p.path("text").asText("");
                    emit(delta("response.reasoning_text.delta", id, index).put("content_index", part).put("delta", text));
                    emit(delta("response.reasoning_text.done", id, index).put("content_index", part).put("text", text));
                    part++;
                }
            }
            default -> emit(event("response.output_item.added").put("output_index", index).set("item", added));
        }
        emit(event("response.output_item.done").put("output_index", index).set("item", item));
    }

    private static ObjectNode event(String type) {
        return Json.object().put("type", type);
    }

    private static ObjectNode delta(String type, String itemId, int index) {
        return event(type).put("item_id", itemId).put("output_index", index);
    }

    private void emit(ObjectNode data) {
        long n = sequence++;
        if (n <= startingAfter) return;
        data.put("sequence_number", n);
        ResponsesStreamEncoder.frame(out, data);
    }
}
