package dev.switchboard.limit;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The {@code x-ratelimit-*} figures of an answer: for requests and for tokens, the limit, what
 * remains and when the window next frees room. {@code -1} where the scope has no such limit.
 * With a key and its team both limited, the tighter (less remaining) of the two is shown.
 */
public record RateHeaders(long limitRequests, long remainingRequests, long resetRequestsMs,
                          long limitTokens, long remainingTokens, long resetTokensMs) {

    public static final RateHeaders NONE = new RateHeaders(-1, -1, -1, -1, -1, -1);

    /**
     * A scope's figures from its windows as they stand: the requests in the last minute and day, the
     * tokens in the last minute, and when each window's oldest entry leaves it (ms from now).
     * Requests show {@code rpm}, else {@code rpd}.
     */
    static RateHeaders of(Quota q, long minuteCount, long minuteResetMs, long dayCount, long dayResetMs, long tokens, long tokensResetMs) {
        long limitRequests = -1;
        long remainingRequests = -1;
        long resetRequests = -1;
        if (q.rpm() != null) {
            limitRequests = q.rpm();
            remainingRequests = q.rpm() - minuteCount;
            resetRequests = minuteResetMs;
        } else if (q.rpd() != null) {
            limitRequests = q.rpd();
            remainingRequests = q.rpd() - dayCount;
            resetRequests = dayResetMs;
        }
        if (q.tpm() == null) return new RateHeaders(limitRequests, remainingRequests, resetRequests, -1, -1, -1);
        return new RateHeaders(limitRequests, remainingRequests, resetRequests, q.tpm(), q.tpm() - tokens, tokensResetMs);
    }

    public boolean present() {
        return limitRequests >= 0 || limitTokens >= 0;
    }

    /** The tighter of two scopes' figures, requests and tokens each on their own. */
    public RateHeaders tighter(RateHeaders o) {
        boolean requestsFromO = limitRequests < 0 || (o.limitRequests >= 0 && o.remainingRequests < remainingRequests);
        boolean tokensFromO = limitTokens < 0 || (o.limitTokens >= 0 && o.remainingTokens < remainingTokens);
        return new RateHeaders(
                requestsFromO ? o.limitRequests : limitRequests,
                requestsFromO ? o.remainingRequests : remainingRequests,
                requestsFromO ? o.resetRequestsMs : resetRequestsMs,
                tokensFromO ? o.limitTokens : limitTokens,
                tokensFromO ? o.remainingTokens : remainingTokens,
                tokensFromO ? o.resetTokensMs : resetTokensMs);
    }

    public void write(HttpServerResponse resp) {
        if (limitRequests >= 0) {
            resp.putHeader(LIMIT_REQUESTS, Long.toString(limitRequests));
            resp.putHeader(REMAINING_REQUESTS, Long.toString(Math.max(0, remainingRequests)));
            resp.putHeader(RESET_REQUESTS, duration(resetRequestsMs));
        }
        if (limitTokens >= 0) {
            resp.putHeader(LIMIT_TOKENS, Long.toString(limitTokens));
            resp.putHeader(REMAINING_TOKENS, Long.toString(Math.max(0, remainingTokens)));
            resp.putHeader(RESET_TOKENS, duration(resetTokensMs));
        }
    }

    private static final CharSequence LIMIT_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-limit-requests");
    private static final CharSequence REMAINING_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-remaining-requests");
    private static final CharSequence RESET_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-reset-requests");
    private static final CharSequence LIMIT_TOKENS = HttpHeaders.createOptimized("x-ratelimit-limit-tokens");
    private static final CharSequence REMAINING_TOKENS = HttpHeaders.createOptimized("x-ratelimit-remaining-tokens");
    private static final CharSequence RESET_TOKENS = HttpHeaders.createOptimized("x-ratelimit-reset-tokens");

    /** A duration in OpenAI's form: {@code 20ms}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String duration(long ms) {
        if (ms <= 0) return "0s";
        if (ms < 1000) return ms + "ms";
        if (ms < 60_000) {
            long s = ms / 1000;
            long frac = ms % 1000;
            if (frac == 0) return s + "s";
            StringBuilder out = new StringBuilder(8).append(s).append('.');
            // three digits of milliseconds without their trailing zeros: 1.5s, 1.05s, 1.005s
            for (long unit = 100; frac > 0; unit /= 10) {
                out.append((char) ('0' + frac / unit));
                frac %= unit;
            }
            return out.append('s').toString();
        }
        long seconds = (ms + 999) / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + m + "m" + s + "s";
    }
}
