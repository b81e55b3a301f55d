package dev.switchboard.model;

import java.util.List;

/**
 * A chat request in the gateway's own terms, decoded from any inbound format.
 *
 * @param model         the public model name the client asked for
 * @param includeUsage  whether the client wants the usage chunk on a stream (the gateway always
 *                      obtains usage; this only decides whether the client sees it)
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        GenerationParams params,
        ResponseFormat responseFormat,
        boolean stream,
        boolean includeUsage,
        String user) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        params = params == null ? GenerationParams.NONE : params;
    }

    public Message lastMessage() {
        return messages.getLast();
    }
}
