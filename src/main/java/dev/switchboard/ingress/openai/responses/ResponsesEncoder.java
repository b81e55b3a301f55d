package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;

/**
 * Builds Responses API objects: the {@code response} object (the same shape complete, in a
 * stream's lifecycle events, and stored), its output items, and its usage.
 *
 * <p>Status: a canonical finish of {@code LENGTH} is {@code incomplete} with
 * {@code incomplete_details.reason = max_output_tokens}, {@code CONTENT_FILTER} is
 * {@code incomplete} with {@code content_filter}; every other finish is {@code completed}.
 */
final class ResponsesEncoder {

    private ResponsesEncoder() {}

    /** The response object without output or usage: what {@code response.created} shows. */
    static ObjectNode envelope(String id, long createdAt, String model, ResponsesRequest req, String status) {
        ObjectNode echo = req.echo();
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", "response");
        out.put("created_at", createdAt);
        out.put("status", status);
        out.put("background", false);
        out.putNull("error");
        out.putNull("incomplete_details");
        out.set("instructions", echo.has("instructions") ? echo.get("instructions") : Json.NODES.nullNode());
        out.set("max_output_tokens", echo.has("max_output_tokens") ? echo.get("max_output_tokens") : Json.NODES.nullNode());
        out.set("metadata", echo.hasNonNull("metadata") ? echo.get("metadata") : Json.object());
        out.put("model", model);
        out.putArray("output");
        out.put("parallel_tool_calls", req.parallelToolCalls() == null || req.parallelToolCalls());
        out.set("previous_response_id", echo.has("previous_response_id") ? echo.get("previous_response_id") : Json.NODES.nullNode());
        ObjectNode reasoning = out.putObject("reasoning");
        if (req.params().reasoningEffort() != null) reasoning.put("effort", req.params().reasoningEffort());
        else reasoning.putNull("effort");
        reasoning.putNull("summary");
        out.put("store", req.store());
        out.put("temperature", req.params().temperature() == null ? 1.0 : req.params().temperature());
        out.set("text", echo.hasNonNull("text") ? echo.get("text") : textDefault());
        out.set("tool_choice", echo.hasNonNull("tool_choice") ? echo.get("tool_choice") : Json.NODES.textNode("auto"));
        out.set("tools", echo.hasNonNull("tools") ? echo.get("tools") : Json.NODES.arrayNode());
        out.put("top_p", req.params().topP() == null ? 1.0 : req.params().topP());
        out.put("truncation", "disabled");
        out.putNull("usage");
        out.set("user", echo.has("user") ? echo.get("user") : Json.NODES.nullNode());
        return out;
    }

    private static ObjectNode textDefault() {
        ObjectNode text = Json.object();
        text.putObject("format").put("type", "text");
        return text;
    }

    /** The complete response object of a canonical answer (its first choice). */
    static ObjectNode response(ChatResponse r, String id, String model, ResponsesRequest req) {
        ChatResponse.Choice choice = r.choices().getFirst();
        FinishReason finish = choice.finishReason();
        ObjectNode out = envelope(id, r.created() > 0 ? r.created() : System.currentTimeMillis() / 1000, model, req, "completed");
        ArrayNode output = (ArrayNode) out.get("output");
        String itemStatus = isIncomplete(finish) ? "incomplete" : "completed";
        StringBuilder text = null;
        for (ContentPart p : choice.message().content()) {
            switch (p) {
                case ContentPart.Text t -> (text == null ? text = new StringBuilder() : text).append(t.text());
                case ContentPart.Reasoning rs -> output.add(reasoningItem(ResponsesItems.id("rs"), rs.text(), rs.signature()));
                default -> { }
            }
        }
        if (text != null) output.add(messageItem(ResponsesItems.id("msg"), text.toString(), itemStatus));
        for (ContentPart.ToolCall c : choice.message().toolCalls()) {
            output.add(functionCallItem(ResponsesItems.id("fc"), c.id(), c.name(), c.arguments(), "completed"));
        }
        finish(out, finish, r.usage());
        return out;
    }

    /** Sets the final status, {@code incomplete_details} and usage. */
    static void finish(ObjectNode response, FinishReason finish, Usage usage) {
        if (isIncomplete(finish)) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", finish == FinishReason.LENGTH ? "max_output_tokens" : "content_filter");
        } else {
            response.put("status", "completed");
        }
        response.set("usage", usage(usage == null ? Usage.ZERO : usage));
    }

    static boolean isIncomplete(FinishReason finish) {
        return finish == FinishReason.LENGTH || finish == FinishReason.CONTENT_FILTER;
    }

    static ObjectNode messageItem(String id, String text, String status) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) content.add(outputText(text));
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status)
                .put("arguments", arguments).put("call_id", callId).put("name", name);
    }

    static ObjectNode reasoningItem(String id, String text, String signature) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        item.putArray("summary");
        if (text != null && !text.isEmpty()) item.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        if (signature != null) item.put("encrypted_content", signature);
        return item;
    }

    static ObjectNode usage(Usage u) {
        ObjectNode out = Json.object();
        out.put("input_tokens", u.inputTokens());
        // the official SDKs read both (openai-java 4.100 requires cache_write_tokens)
        out.putObject("input_tokens_details").put("cached_tokens", u.cachedInputTokens()).put("cache_write_tokens", u.cacheWriteTokens());
        out.put("output_tokens", u.outputTokens());
        out.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        out.put("total_tokens", u.totalTokens());
        return out;
    }

    /** The output items of a stored response body. */
    static ArrayNode output(JsonNode response) {
        JsonNode output = response.get("output");
        return output instanceof ArrayNode a ? a : Json.NODES.arrayNode();
    }
}
