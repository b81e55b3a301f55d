package dev.switchboard.ingress.openai.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded {@code POST /v1/responses}: the parts that become the canonical request, the input
 * items as the client gave them (normalised: a string input is one user message item, every
 * message item has an id), and what the answer echoes back.
 *
 * @param input the request's own input items, JSON
 * @param echo  the request fields a response object repeats ({@code instructions}, {@code tools}, …)
 */
record ResponsesRequest(
        String model,
        ArrayNode input,
        String instructions,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        GenerationParams params,
        ResponseFormat format,
        boolean stream,
        boolean store,
        String previousResponseId,
        String user,
        ObjectNode echo) {

    /**
     * The canonical request: a key's system prompt, then {@code instructions} (neither is carried
     * over from a previous response, as OpenAI does not carry instructions), then {@code items}:
     * the previous response's context and output, then this request's input.
     */
    ChatRequest chat(String keySystemPrompt, ArrayNode items) {
        List<Message> messages = new ArrayList<>();
        if (keySystemPrompt != null && !keySystemPrompt.isEmpty()) messages.add(Message.text(Role.SYSTEM, keySystemPrompt));
        if (instructions != null && !instructions.isEmpty()) messages.add(Message.text(Role.SYSTEM, instructions));
        messages.addAll(ResponsesItems.messages(items));
        if (messages.isEmpty()) throw GatewayError.invalid("input", "Missing required parameter: 'input'.");
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, params, format, stream, true, user);
    }
}
