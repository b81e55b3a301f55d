package dev.switchboard.usage;

import dev.switchboard.model.Usage;

/**
 * What a model costs, in USD per million tokens.
 *
 * <p>The token convention is {@link Usage}'s (OpenAI's): {@code inputTokens} already contains the
 * cached-read and cache-write tokens, and {@code outputTokens} already contains the reasoning
 * tokens. So {@link #cost} prices the input tokens that are neither cached nor cache writes at the
 * input price, cached tokens at the cached price, cache writes at the cache-write price, the
 * output tokens that are not reasoning at the output price, and reasoning tokens at the reasoning
 * price when the provider prices them apart, else at the output price. A provider adapter that
 * decodes a format counting them apart (Anthropic's {@code input_tokens} excludes cache reads and
 * writes) adds them up before the usage reaches here.
 *
 * @param reasoningPerMTokens {@link Double#NaN} when reasoning is billed as output (every provider
 *                            in the catalog today); see {@link #pricesReasoningApart()}
 */
public record Price(double inputPerMTokens, double outputPerMTokens, double cachedInputPerMTokens, double cacheWritePerMTokens,
                    double reasoningPerMTokens) {

    private static final double PER = 1_000_000d;

    public Price {
        check("inputPerMTokens", inputPerMTokens);
        check("outputPerMTokens", outputPerMTokens);
        check("cachedInputPerMTokens", cachedInputPerMTokens);
        check("cacheWritePerMTokens", cacheWritePerMTokens);
        if (!Double.isNaN(reasoningPerMTokens)) check("reasoningPerMTokens", reasoningPerMTokens);
    }

    /** Input and output prices; cached input and cache writes at the input price, reasoning as output. */
    public static Price of(double inputPerMTokens, double outputPerMTokens) {
        return new Price(inputPerMTokens, outputPerMTokens, inputPerMTokens, inputPerMTokens, Double.NaN);
    }

    public boolean pricesReasoningApart() {
        return !Double.isNaN(reasoningPerMTokens);
    }

    /** The cost of a finished request, in USD. */
    public double cost(Usage u) {
        long cached = Math.max(0, u.cachedInputTokens());
        long writes = Math.max(0, u.cacheWriteTokens());
        long plainInput = Math.max(0, u.inputTokens() - cached - writes);
        long reasoning = Math.max(0, Math.min(u.reasoningTokens(), u.outputTokens()));
        long plainOutput = Math.max(0, u.outputTokens() - reasoning);
        double reasoningPrice = pricesReasoningApart() ? reasoningPerMTokens : outputPerMTokens;
        return (plainInput * inputPerMTokens + cached * cachedInputPerMTokens + writes * cacheWritePerMTokens
                + plainOutput * outputPerMTokens + reasoning * reasoningPrice) / PER;
    }

    /** A cost before the answer: every input token at the input price, every output token at the output price. */
    public double estimate(long inputTokens, long outputTokens) {
        return (Math.max(0, inputTokens) * inputPerMTokens + Math.max(0, outputTokens) * outputPerMTokens) / PER;
    }

    private static void check(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a non-negative number, was " + v);
    }
}
