package dev.switchboard.limit;

/** The limiter's answer for one request. */
public sealed interface Admission {

    RateHeaders headers();

    /** Admitted: the ticket settles what was reserved, once, when the request ends. */
    record Admitted(Ticket ticket, RateHeaders headers) implements Admission {}

    /**
     * Refused: a rate limit or concurrency cap ({@code budget == false}), or a spent budget.
     *
     * @param retryAfterMs when the refusing window frees room (or the budget period ends); -1 when never
     */
    record Denied(boolean budget, long retryAfterMs, String scope, RateHeaders headers) implements Admission {}

    /** What an admitted request reserved, to settle with what it used. */
    interface Ticket {
        Ticket NONE = (tokens, usd) -> { };

        /** The actual tokens and cost replace the reservation; concurrency is released. Only the first call counts. */
        void settle(long tokens, double usd);
    }
}
