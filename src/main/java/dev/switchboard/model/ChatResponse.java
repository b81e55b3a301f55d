package dev.switchboard.model;

import java.util.List;

/** A complete (non-streamed) chat answer. */
public record ChatResponse(String id, String model, long created, List<Choice> choices, Usage usage) {

    public ChatResponse {
        choices = List.copyOf(choices);
    }

    public record Choice(int index, Message message, FinishReason finishReason) {}
}
