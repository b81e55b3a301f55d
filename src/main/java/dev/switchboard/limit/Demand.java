package dev.switchboard.limit;

/**
 * What a request reserves when it is admitted: tokens against {@code tpm} (its input counted,
 * plus the output it may produce) and dollars against budgets (those tokens at the price of the
 * most expensive deployment that may serve it). Settlement replaces both with the actual figures.
 */
public record Demand(long tokens, double usd) {

    public static final Demand NONE = new Demand(0, 0);
}
