package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import java.util.Locale;

/**
 * Classifies Bedrock's errors: HTTP answers ({@code {"message": …}}, the type in the
 * {@code x-amzn-ErrorType} header) and the exception frames of an event stream (the type in
 * {@code :exception-type}). Beyond the generic rules of {@link UpstreamErrors}: a 400 whose
 * message says the input is too long is a context overflow; in a stream,
 * {@code throttlingException} is a throttle, {@code validationException} the request's fault,
 * {@code modelStreamErrorException}, {@code internalServerException},
 * {@code serviceUnavailableException} and {@code modelTimeoutException} transient.
 */
final class BedrockErrors {

    private BedrockErrors() {}

    static UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail) {
        String message = Json.str(body, "message");
        if (message == null) message = Json.str(body, "Message");
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == 400 && (m.contains("too long") || m.contains("too many input tokens") || m.contains("context window")
                || m.contains("context length"))) {
            return new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.CONTEXT_LENGTH_EXCEEDED,
                    "The request exceeds the model's context window.", null, -1, false), status, detail);
        }
        return UpstreamErrors.classify(status, retryAfterMs, body, detail);
    }

    /** An exception frame of a stream, by its {@code :exception-type}. */
    static UpstreamException exception(String type, JsonNode body, String detail) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        int status;
        if (t.startsWith("throttling")) status = 429;
        else if (t.startsWith("validation")) status = 400;
        else if (t.startsWith("accessdenied")) status = 403;
        else if (t.startsWith("resourcenotfound")) status = 404;
        else if (t.startsWith("serviceunavailable")) status = 503;
        else if (t.startsWith("modeltimeout")) status = 408;
        else status = 500;
        return classify(status, -1, body, detail);
    }
}
