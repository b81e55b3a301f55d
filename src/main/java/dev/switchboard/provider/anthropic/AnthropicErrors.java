package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import java.util.Locale;

/**
 * Anthropic's failures in the gateway's terms. Anthropic answers
 * {@code {"type":"error","error":{"type","message"},"request_id"}} with these statuses:
 *
 * <table>
 *   <tr><th>status</th><th>error.type</th><th>class</th></tr>
 *   <tr><td>400</td><td>invalid_request_error</td><td>request (context length and content policy recognised)</td></tr>
 *   <tr><td>401, 402, 403, 404</td><td>authentication_error, billing_error, permission_error, not_found_error</td><td>configuration</td></tr>
 *   <tr><td>413</td><td>request_too_large</td><td>request, answered as 413 request_too_large</td></tr>
 *   <tr><td>429</td><td>rate_limit_error</td><td>throttle, honouring retry-after</td></tr>
 *   <tr><td>500, 529, other 5xx</td><td>api_error, overloaded_error</td><td>transient</td></tr>
 * </table>
 *
 * A stream can also fail after its 200 with an {@code error} event carrying the same object; its
 * {@code error.type} stands for the status it would have had ({@code overloaded_error} → 529).
 */
public final class AnthropicErrors {

    private AnthropicErrors() {}

    /** A non-2xx answer; {@code body} is the parsed error body, or null when it was not JSON. */
    public static UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail) {
        JsonNode err = body == null ? null : body.get("error");
        String type = Json.str(err, "type");
        String message = String.valueOf(Json.str(err, "message")).toLowerCase(Locale.ROOT);
        if (status == 413 || "request_too_large".equals(type)) {
            return new UpstreamException(FailureClass.REQUEST, GatewayError.of(ErrorKind.REQUEST_TOO_LARGE,
                    "The request is larger than the provider accepts."), status, detail);
        }
        if (status == 400 && (message.contains("prompt is too long") || message.contains("exceed context limit")
                || message.contains("context window"))) {
            return new UpstreamException(FailureClass.REQUEST, GatewayError.of(ErrorKind.CONTEXT_LENGTH_EXCEEDED,
                    "The request exceeds the model's context window."), status, detail);
        }
        if (status == 402) {
            return new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider refused this deployment's account (HTTP 402)."), status, detail);
        }
        if (status == 529 || "overloaded_error".equals(type) && status >= 500) {
            return new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider is overloaded (HTTP " + status + ")."), status, detail);
        }
        return UpstreamErrors.classify(status, retryAfterMs, body, detail);
    }

    /** An {@code error} event inside a stream, classified as the status its type stands for. */
    public static UpstreamException streamError(JsonNode event, String detail) {
        String type = Json.str(event == null ? null : event.get("error"), "type");
        return classify(statusOf(type), -1, event, detail);
    }

    /** The HTTP status an Anthropic error type stands for; unknown types count as 500. */
    static int statusOf(String type) {
        if (type == null) return 500;
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }
}
