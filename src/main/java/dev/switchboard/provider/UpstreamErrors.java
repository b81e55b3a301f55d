package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Turns what went wrong upstream into an {@link UpstreamException}: the failure class for the
 * router and the client-facing error in the gateway's own words. The provider's text is kept only
 * as the exception's detail, for the log.
 */
public final class UpstreamErrors {

    private UpstreamErrors() {}

    /**
     * @param retryAfterMs the provider's Retry-After in milliseconds, or -1
     * @param body         the provider's error body when it was JSON, else null
     */
    public static UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail) {
        JsonNode err = body == null ? null : body.has("error") ? body.get("error") : body;
        if (status == 429) {
            // without the provider's Retry-After, the attempt loop fills in the cooldown it applies;
            // final or not, it decides too
            GatewayError e = GatewayError.of(ErrorKind.RATE_LIMIT_EXCEEDED, "The provider is rate limiting this deployment.")
                    .withRetryAfter(retryAfterMs, false);
            return new UpstreamException(FailureClass.THROTTLE, e, status, detail);
        }
        if (status == 401 || status == 403 || status == 404) {
            return new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider refused this deployment's credentials or model (HTTP " + status + ")."), status, detail);
        }
        if (status == 504) {
            return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.TIMEOUT,
                    "The provider did not answer within its own deadline."), status, detail);
        }
        if (status == 408 || status >= 500) {
            return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider failed to answer (HTTP " + status + ")."), status, detail);
        }
        if (status == 413) {
            return new UpstreamException(FailureClass.REQUEST, GatewayError.of(ErrorKind.REQUEST_TOO_LARGE,
                    "The request is larger than the provider accepts."), status, detail);
        }
        String text = (Json.str(err, "code") + " " + Json.str(err, "type") + " " + Json.str(err, "message")).toLowerCase(Locale.ROOT);
        ErrorKind kind = ErrorKind.INVALID_REQUEST;
        String message = "The provider rejected the request as invalid (HTTP " + status + ").";
        if (text.contains("context_length") || text.contains("context length") || text.contains("maximum context")) {
            kind = ErrorKind.CONTEXT_LENGTH_EXCEEDED;
            message = "The request exceeds the model's context window.";
        } else if (text.contains("content_filter") || text.contains("content_policy") || text.contains("content management policy")) {
            kind = ErrorKind.CONTENT_POLICY_VIOLATION;
            message = "The provider's content policy blocked the request.";
        }
        String param = Json.str(err, "param");
        return new UpstreamException(FailureClass.REQUEST, new GatewayError(kind, message, param, -1, false), status, detail);
    }

    /** A connection that failed, reset or timed out before or during the answer. */
    public static UpstreamException transport(Throwable cause) {
        if (cause instanceof UpstreamException u) return u;
        if (cause instanceof dev.switchboard.transport.LoopbackGuard.OutboundRefusedException) {
            return new UpstreamException(FailureClass.GATEWAY, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The gateway refused to call this deployment's address."), 0, cause.getMessage());
        }
        if (cause instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
            // our own queue towards this upstream is full: shed load rather than queue behind it
            return new UpstreamException(FailureClass.GATEWAY, GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE,
                    "The gateway has too many requests waiting for this provider; retry shortly.").withRetryAfter(1000, false),
                    0, cause.getMessage());
        }
        if (cause instanceof TimeoutException || (cause != null && cause.getClass().getSimpleName().contains("Timeout"))) {
            return timeout("connect", cause.getMessage());
        }
        return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                "The connection to the provider failed."), 0, cause == null ? "unknown" : cause.toString());
    }

    /**
     * An answer the provider ended in failure rather than finished (finish reason {@code error}:
     * Gemini's OTHER or MALFORMED_FUNCTION_CALL, OpenAI's {@code error}): a failed attempt, tried
     * again like a 5xx, never delivered as a complete answer.
     */
    public static UpstreamException failedGeneration() {
        return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                "The provider ended its answer with an error instead of finishing it."), 0, "finish reason: error");
    }

    public static UpstreamException timeout(String which, String detail) {
        return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.TIMEOUT,
                "The provider did not answer within the " + which + " deadline."), 0, detail);
    }

    /** Retry-After as milliseconds (seconds or an HTTP date are both allowed), or -1. */
    public static long retryAfterMs(MultiMap headers) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return (long) Double.parseDouble(ms.trim());
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String v = headers.get("retry-after");
        if (v == null) return -1;
        try {
            return (long) (Double.parseDouble(v.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(v.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - System.currentTimeMillis());
            } catch (java.time.format.DateTimeParseException ignored) {
                return -1;
            }
        }
    }
}
