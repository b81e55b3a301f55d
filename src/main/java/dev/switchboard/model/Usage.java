package dev.switchboard.model;

/**
 * Token counts of one request. {@code cachedInputTokens} and {@code cacheWriteTokens} are part of
 * {@code inputTokens}; {@code reasoningTokens} is part of {@code outputTokens}, as OpenAI counts.
 * {@code estimated} marks counts the gateway computed itself because the provider gave none.
 */
public record Usage(
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        boolean estimated) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, false);

    public static Usage of(long input, long output) {
        return new Usage(input, output, 0, 0, 0, false);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
