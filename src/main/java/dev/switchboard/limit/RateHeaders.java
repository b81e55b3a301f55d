package dev.switchboard.limit;

import io.vertx.core.http.HttpServerResponse;

/**
 * The {@code x-ratelimit-*} figures of an answer: for requests and for tokens, the limit, what
 * remains and when the window next frees room. {@code -1} where the scope has no such limit.
 * With a key and its team both limited, the tighter (less remaining) of the two is shown.
 */
public record RateHeaders(long limitRequests, long remainingRequests, long resetRequestsMs,
                          long limitTokens, long remainingTokens, long resetTokensMs) {

    public static final RateHeaders NONE = new RateHeaders(-1, -1, -1, -1, -1, -1);

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
            resp.putHeader("x-ratelimit-limit-requests", Long.toString(limitRequests));
            resp.putHeader("x-ratelimit-remaining-requests", Long.toString(Math.max(0, remainingRequests)));
            resp.putHeader("x-ratelimit-reset-requests", duration(resetRequestsMs));
        }
        if (limitTokens >= 0) {
            resp.putHeader("x-ratelimit-limit-tokens", Long.toString(limitTokens));
            resp.putHeader("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, remainingTokens)));
            resp.putHeader("x-ratelimit-reset-tokens", duration(resetTokensMs));
        }
    }

    /** A duration in OpenAI's form: {@code 20ms}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String duration(long ms) {
        if (ms <= 0) return "0s";
        if (ms < 1000) return ms + "ms";
        if (ms < 60_000) {
            long s = ms / 1000;
            long frac = ms % 1000;
            if (frac == 0) return s + "s";
            String f = Long.toString(1000 + frac).substring(1).replaceAll("0+$", "");
            return s + "." + f + "s";
        }
        long seconds = (ms + 999) / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + m + "m" + s + "s";
    }
}
