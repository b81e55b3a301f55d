package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import io.vertx.core.MultiMap;
import java.util.Locale;

/**
 * Classifies Gemini's error answers ({@code {"error":{"code","message","status","details"}}}).
 * Beyond the generic rules of {@link UpstreamErrors} (429 throttle, 5xx transient, 401/403/404
 * configuration, other 4xx request), three Gemini facts:
 * <ul>
 *   <li>A bad API key is a 400 {@code INVALID_ARGUMENT} whose {@code ErrorInfo} reason is
 *       {@code API_KEY_INVALID}, and a project without billing where it is needed a 400
 *       {@code FAILED_PRECONDITION}: both are the deployment's configuration, not the request.</li>
 *   <li>A 429 names its wait in a {@code RetryInfo} detail ({@code "retryDelay": "38s"}), used
 *       when no {@code Retry-After} header came.</li>
 *   <li>A prompt over the context window is a 400 saying the input token count exceeds the
 *       maximum; a 504 {@code DEADLINE_EXCEEDED} is the provider's own timeout.</li>
 * </ul>
 */
public final class GeminiErrors {

    private GeminiErrors() {}

    public static UpstreamException classify(int status, MultiMap headers, JsonNode body, String detail) {
        return classify(status, headers == null ? -1 : UpstreamErrors.retryAfterMs(headers), body, detail);
    }

    /** @param retryAfterMs from the answer's Retry-After headers, or -1; a {@code RetryInfo} in the body stands in when absent */
    public static UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail) {
        JsonNode err = body == null ? null : body.get("error");
        String grpc = GeminiWire.text(err, "status");
        String message = GeminiWire.text(err, "message");
        String reason = null;
        long retryMs = retryAfterMs;
        for (JsonNode d : GeminiWire.items(GeminiWire.field(err, "details"))) {
            String type = String.valueOf(GeminiWire.text(d, "@type"));
            if (type.endsWith("google.rpc.ErrorInfo") && reason == null) reason = GeminiWire.text(d, "reason");
            if (type.endsWith("google.rpc.RetryInfo") && retryMs < 0) retryMs = duration(GeminiWire.text(d, "retryDelay"));
        }
        if (status == 400 && ("API_KEY_INVALID".equals(reason) || "FAILED_PRECONDITION".equals(grpc))) {
            return new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider refused this deployment's credentials or project (HTTP 400)."), status, detail);
        }
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == 400 && m.contains("token") && m.contains("exceeds the maximum")) {
            return new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.CONTEXT_LENGTH_EXCEEDED,
                    "The request exceeds the model's context window.", null, -1, false), status, detail);
        }
        return UpstreamErrors.classify(status, retryMs, body, detail);
    }

    /** A protobuf duration in JSON ({@code "38s"}, {@code "1.5s"}) in milliseconds, or -1. */
    static long duration(String d) {
        if (d == null || !d.endsWith("s")) return -1;
        try {
            return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 1000);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
