package dev.switchboard.pipeline;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.ErrorRenderer;
import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.Headers;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * For {@code HttpServer.invalidRequestHandler}: a request HTTP/1.x could not decode (a request
 * line or headers over the decoder's limits, broken framing) is answered in the error shape of
 * every other error, with an {@code x-request-id}, instead of Vert.x's bare status; the
 * connection then closes, as where the next request would begin is unknown.
 */
public final class MalformedRequests {

    private MalformedRequests() {}

    public static void answer(HttpServerRequest request) {
        long start = System.nanoTime();
        Throwable cause = request.decoderResult().cause();
        GatewayError e = cause instanceof TooLongHttpLineException
                ? GatewayError.of(ErrorKind.URI_TOO_LONG, "The request line is longer than this gateway accepts.")
                : cause instanceof TooLongHttpHeaderException
                ? GatewayError.of(ErrorKind.HEADERS_TOO_LARGE, "The request headers are larger than this gateway accepts.")
                : GatewayError.invalid(null, "The request is not valid HTTP" + why(cause));
        request.response().putHeader(Headers.X_REQUEST_ID, RequestStart.newId()).putHeader("connection", "close")
                // the gateway's own time, as on every answer: here all of it is the answering
                .headersEndHandler(v -> request.response().putHeader(Headers.OVERHEAD_MS, RequestStart.millis(System.nanoTime() - start)));
        ErrorRenderer.render(request, request.response(), e);
        request.connection().close();
    }

    /**
     * What the decoder found wrong, without the text it found it in: Netty's messages end with the
     * offending header value ({@code only '\n' is allowed after '\r': Bearer sk-…}), and a
     * header may be a credential, which an answer (or an intermediary logging it) must not carry.
     */
    static String why(Throwable cause) {
        if (cause == null || cause.getMessage() == null) return ".";
        String m = cause.getMessage();
        int value = m.indexOf(": ");
        return ": " + (value < 0 ? m : m.substring(0, value)) + ".";
    }
}
