package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side every adapter shares: post a JSON body under the call's deadlines, with
 * cancellation wired to the request (a finished call never resets a pooled connection), a
 * transport failure or expired deadline classified, and a non-2xx answer read and classified by
 * the adapter's own error mapping. {@link #read} takes a whole reply body under the same deadlines.
 */
public final class UpstreamCall {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

    /** An adapter's reading of an error answer: status, Retry-After in ms (or -1), the body if it was JSON. */
    public interface ErrorMapping {
        UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail);
    }

    /** What to make of a whole reply body; an {@link IOException} means the provider answered malformed JSON. */
    public interface BodyReader<T> {
        T read(byte[] body) throws IOException;
    }

    private UpstreamCall() {}

    /** Resolves with the response once its status is 2xx; fails with an {@link UpstreamException} otherwise. */
    public static Future<HttpClientResponse> post(OutboundConnector connector, Deployment d, String path, MultiMap headers, ObjectNode body,
                                                  CallDeadlines deadlines, Cancellation cancellation, ErrorMapping errors) {
        Buffer payload = Json.buffer(body);
        return connector.send(HttpMethod.POST, d.baseUrl(), path, headers, payload, d.timeouts().connectMs(), req -> {
                    deadlines.attach(req);
                    // failures before the answer reach the send's future; what comes after it is the
                    // reset a cancellation or a deadline asked for, already accounted for there
                    req.exceptionHandler(t -> LOG.debug("upstream request ended early: {}", t.toString()));
                    // once the call is over its connection may serve another request: never reset it then
                    cancellation.onCancel(() -> {
                        if (deadlines.settled()) return;
                        deadlines.settle();
                        req.reset();
                    });
                })
                .recover(t -> {
                    String expired = deadlines.expired();
                    deadlines.settle();
                    return Future.failedFuture(expired != null ? UpstreamErrors.timeout(expired, t.toString()) : UpstreamErrors.transport(t));
                })
                .compose(resp -> {
                    if (resp.statusCode() < 300) return Future.succeededFuture(resp);
                    return resp.body().transform(ar -> {
                        deadlines.settle();
                        JsonNode err = null;
                        String text = ar.succeeded() ? ar.result().toString() : String.valueOf(ar.cause());
                        try {
                            if (ar.succeeded()) err = Json.parse(ar.result().getBytes());
                        } catch (IOException ignored) {
                            // not JSON: classified by status alone
                        }
                        return Future.failedFuture(errors.classify(resp.statusCode(), UpstreamErrors.retryAfterMs(resp.headers()), err,
                                "HTTP " + resp.statusCode() + ": " + text));
                    });
                });
    }

    /** The whole reply body, read under the call's deadlines and handed to {@code reader}. */
    public static <T> Future<T> read(HttpClientResponse resp, CallDeadlines deadlines, BodyReader<T> reader) {
        return resp.body().transform(ar -> {
            deadlines.settle();
            if (ar.failed()) {
                return Future.failedFuture(deadlines.expired() != null
                        ? UpstreamErrors.timeout(deadlines.expired(), ar.cause().toString()) : UpstreamErrors.transport(ar.cause()));
            }
            try {
                return Future.succeededFuture(reader.read(ar.result().getBytes()));
            } catch (IOException e) {
                return Future.failedFuture(UpstreamErrors.transport(new IOException("the provider answered with malformed JSON: " + e.getMessage())));
            }
        });
    }
}
