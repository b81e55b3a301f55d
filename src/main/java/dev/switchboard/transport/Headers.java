package dev.switchboard.transport;

import io.vertx.core.http.HttpHeaders;

/**
 * Header names and values used on every request, made once as pre-encoded, pre-validated
 * character sequences so the hot path neither re-validates nor re-hashes them.
 */
public final class Headers {

    private Headers() {}

    public static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
    public static final CharSequence CONTENT_LENGTH = HttpHeaders.CONTENT_LENGTH;
    public static final CharSequence ACCEPT = HttpHeaders.ACCEPT;
    public static final CharSequence AUTHORIZATION = HttpHeaders.AUTHORIZATION;
    public static final CharSequence USER_AGENT = HttpHeaders.USER_AGENT;
    public static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    public static final CharSequence OVERHEAD_MS = HttpHeaders.createOptimized("x-switchboard-overhead-ms");
    public static final CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    public static final CharSequence X_GOOG_API_KEY = HttpHeaders.createOptimized("x-goog-api-key");
    public static final CharSequence X_SWITCHBOARD_TRACE = HttpHeaders.createOptimized("x-switchboard-trace");
    public static final CharSequence X_SWITCHBOARD_TAGS = HttpHeaders.createOptimized("x-switchboard-tags");

    public static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    public static final CharSequence TEXT_EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    public static final CharSequence SWITCHBOARD = HttpHeaders.createOptimized("switchboard");
}
