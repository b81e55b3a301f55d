package dev.switchboard.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Ends a response with a whole body, or, for a HEAD request, with the body's length and no body. */
public final class Bodies {

    private Bodies() {}

    /**
     * Vert.x leaves out a HEAD response's body on HTTP/1.1 but sends it on HTTP/2, where a HEAD
     * response with DATA is malformed: clients reset the stream (PROTOCOL_ERROR).
     */
    public static void end(HttpServerRequest request, HttpServerResponse response, Buffer body) {
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(Headers.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            response.end(body);
        }
    }

    public static void end(HttpServerRequest request, HttpServerResponse response, String body) {
        end(request, response, Buffer.buffer(body));
    }
}
