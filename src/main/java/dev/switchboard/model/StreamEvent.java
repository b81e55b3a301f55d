package dev.switchboard.model;

/**
 * One event of a streamed answer. A well-formed stream is: {@link Start}, any number of deltas,
 * a {@link Finish} per choice, then at most one {@link UsageReport}; {@link UsageSoFar} may come
 * anywhere. A stream that fails after it
 * began says so through its source's {@code onError}, never as an event, so no encoder can drop it. {@code choice} is the index of the choice (for {@code n > 1}).
 */
public sealed interface StreamEvent {

    record Start(String id, String model, long created) implements StreamEvent {}

    record TextDelta(int choice, String text) implements StreamEvent {}

    /**
     * Reasoning text, or a signature. A signature ends the reasoning block it follows (Anthropic's
     * {@code signature_delta}), unless {@code ownPart}: then it is a text-less reasoning part of its
     * own, standing for the part that follows it (Gemini's {@code thoughtSignature} on a function
     * call or a text part), as {@code ContentPart.Reasoning(null, signature)} is in an answer.
     */
    record ReasoningDelta(int choice, String text, String signature, boolean ownPart) implements StreamEvent {
        public ReasoningDelta(int choice, String text, String signature) {
            this(choice, text, signature, false);
        }
    }

    /** A tool call opens: {@code index} is its position among the choice's tool calls. */
    record ToolCallStart(int choice, int index, String id, String name) implements StreamEvent {}

    record ToolCallDelta(int choice, int index, String argumentsFragment) implements StreamEvent {}

    /**
     * A choice ends. {@code stopSequence}: the stop sequence that ended its text, when the provider
     * says which (Anthropic's {@code stop_sequence}, the simulator); null otherwise.
     */
    record Finish(int choice, FinishReason reason, String stopSequence) implements StreamEvent {
        public Finish(int choice, FinishReason reason) {
            this(choice, reason, null);
        }
    }

    record UsageReport(Usage usage) implements StreamEvent {}

    /**
     * What the provider has counted so far (Anthropic's {@code message_start}, a usage chunk before
     * the stream's end): for accounting only, the usage of a stream that ends before its
     * {@link UsageReport} (the client went away, the upstream cut it). No client is shown it.
     */
    record UsageSoFar(Usage usage) implements StreamEvent {}
}
