package dev.switchboard.limit;

import io.vertx.core.Future;

/** The limiter's answer for one request. */
public sealed interface Admission {

    RateHeaders headers();

    /** Admitted: the ticket settles what was reserved, once, when the request ends. */
    record Admitted(Ticket ticket, RateHeaders headers) implements Admission {}

    /**
     * Refused: a rate limit or concurrency cap ({@code budget == false}), or a budget: spent, or
     * ({@code held}) not spent but held by the reservations of requests in flight, which give back
     * what they do not cost as they end.
     *
     * @param retryAfterMs when the refusing window frees room (or the budget period ends; a held
     *                     budget: {@link #HELD_RETRY_MS}); -1 when never
     */
    record Denied(boolean budget, boolean held, long retryAfterMs, String scope, RateHeaders headers) implements Admission {

        /** How soon to look again at a budget that requests in flight hold: they settle as they end. */
        public static final long HELD_RETRY_MS = 1_000;

        public Denied(boolean budget, long retryAfterMs, String scope, RateHeaders headers) {
            this(budget, false, retryAfterMs, scope, headers);
        }
    }

    /**
     * Not decided: the shared state (Redis) is unreachable and the router's {@code redisFailure}
     * is {@code closed}, so the request is refused as unavailable rather than admitted unchecked.
     */
    record Unavailable() implements Admission {
        @Override
        public RateHeaders headers() {
            return RateHeaders.NONE;
        }
    }

    /** What an admitted request reserved, to settle with what it used. */
    interface Ticket {
        Ticket NONE = (tokens, usd) -> Future.succeededFuture();

        /**
         * The actual tokens and cost replace the reservation; concurrency is released. Only the
         * first call counts. The future completes once the settlement is recorded (or dropped,
         * see {@link RedisLimiter}); it never fails, and callers need not wait for it.
         */
        Future<Void> settle(long tokens, double usd);
    }
}
