package dev.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Timeouts;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One OAuth JWT-bearer token request: {@code POST token_uri} with
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<signed JWT>} as a form,
 * through the same outbound connector (and loopback guard) as every upstream call, under the
 * deployment's connect and first-byte deadlines. The request is not tied to any one client's
 * cancellation: every request waiting on the token shares it.
 *
 * <p>Failures: the token endpoint refusing the assertion (any 4xx: a bad signature, an unknown or
 * disabled account, a wrong audience) is a configuration failure of the deployment, shown to the
 * client in the gateway's words; its own wording goes to the log only. A 5xx or 429 from the token
 * endpoint, or a connection failure, is transient, as for any upstream.
 */
final class TokenExchange {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final CharSequence FORM = HttpHeaders.createOptimized("application/x-www-form-urlencoded");

    private TokenExchange() {}

    static Future<AccessTokens.Grant> exchange(Vertx vertx, OutboundConnector connector, ServiceAccount account, Instant now, Timeouts timeouts) {
        URI uri;
        try {
            uri = URI.create(account.tokenUri());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(refused(0, "token_uri is not a URL: " + e.getMessage()));
        }
        Buffer form = Buffer.buffer("grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                + "&assertion=" + account.assertion(now));
        MultiMap headers = HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, FORM);
        headers.set(Headers.ACCEPT, Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        CallDeadlines deadlines = new CallDeadlines(vertx, timeouts, false);
        return connector.send(HttpMethod.POST, uri, headers, form, timeouts.connectMs(), deadlines::attach)
                .recover(t -> {
                    String expired = deadlines.expired();
                    deadlines.settle();
                    return Future.failedFuture(expired != null ? UpstreamErrors.timeout(expired, t.toString()) : UpstreamErrors.transport(t));
                })
                .compose(resp -> resp.body().transform(ar -> {
                    deadlines.settle();
                    if (ar.failed()) return Future.failedFuture(UpstreamErrors.transport(ar.cause()));
                    String text = ar.result().toString();
                    int status = resp.statusCode();
                    if (status == 429 || status >= 500) {
                        return Future.failedFuture(new UpstreamException(FailureClass.TRANSIENT, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                                "The provider's token service failed to answer (HTTP " + status + ")."), status, "token endpoint: " + text));
                    }
                    if (status >= 300) return Future.failedFuture(refused(status, "token endpoint HTTP " + status + ": " + text));
                    try {
                        JsonNode reply = Json.parse(ar.result().getBytes());
                        String token = Json.str(reply, "access_token");
                        if (token == null || token.isBlank()) throw new IOException("no access_token");
                        long expiresIn = reply.path("expires_in").canConvertToLong() ? reply.path("expires_in").asLong() : 3600;
                        return Future.succeededFuture(new AccessTokens.Grant(token, expiresIn));
                    } catch (IOException e) {
                        return Future.failedFuture(UpstreamErrors.transport(new IOException("the token endpoint answered without a token: "
                                + e.getMessage())));
                    }
                }));
    }

    /** The token endpoint refused the service account: the deployment's credentials are wrong. */
    static UpstreamException refused(int status, String detail) {
        return new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                "The provider refused this deployment's service account credentials."), status, detail);
    }
}
