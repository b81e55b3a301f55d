package dev.switchboard.model;

import java.util.List;

/** A complete (non-streamed) chat answer. */
public record ChatResponse(String id, String model, long created, List<Choice> choices, Usage usage) {

    public ChatResponse {
        choices = List.copyOf(choices);
    }

    /** @param stopSequence the stop sequence that ended the text, when the provider says which; null otherwise */
    public record Choice(int index, Message message, FinishReason finishReason, String stopSequence) {
        public Choice(int index, Message message, FinishReason finishReason) {
            this(index, message, finishReason, null);
        }
    }
}
