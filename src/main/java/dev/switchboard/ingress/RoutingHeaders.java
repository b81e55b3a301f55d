package dev.switchboard.ingress;

import dev.switchboard.pipeline.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** The {@code x-switchboard-*} headers of an answer from a provider, the same in every inbound format. */
public final class RoutingHeaders {

    private RoutingHeaders() {}

    /**
     * The model a translated answer says it came from ({@code x-switchboard-upstream-model}), as a
     * native answer's is read from its body; the deployment's {@code upstreamModel} when it names none.
     * (A stream's headers go out before its first event: they name the deployment's.)
     */
    public static String upstreamModel(Exchange ex, dev.switchboard.model.ChatResponse answer) {
        return answer.model() != null && !answer.model().isBlank() ? answer.model() : ex.deployment().upstreamModel();
    }

    /** Routing headers and the provider's pass-back headers, before the head is written. */
    public static void write(HttpServerResponse resp, Exchange ex, String upstreamModel, MultiMap passBack) {
        if (!passBack.isEmpty()) resp.headers().addAll(passBack);
        resp.putHeader(PROVIDER, ex.deployment().provider().id());
        resp.putHeader(DEPLOYMENT, ex.deployment().id());
        resp.putHeader(UPSTREAM_MODEL, upstreamModel);
        resp.putHeader(CACHE, BYPASS); // no response cache yet: every answer comes from the provider
        attempts(resp, ex);
    }

    /** {@code x-switchboard-attempts}, the trace when asked for and the caller's {@code x-ratelimit-*}: on every answer, errors included. */
    public static void attempts(HttpServerResponse resp, Exchange ex) {
        if (ex.rateHeaders().present()) ex.rateHeaders().write(resp);
        resp.putHeader(ATTEMPTS, ex.attempts() == 1 ? ONE : Integer.toString(ex.attempts()));
        String trace = ex.trace();
        if (trace != null) resp.putHeader(TRACE, trace);
    }

    private static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-switchboard-provider");
    private static final CharSequence DEPLOYMENT = HttpHeaders.createOptimized("x-switchboard-deployment");
    private static final CharSequence UPSTREAM_MODEL = HttpHeaders.createOptimized("x-switchboard-upstream-model");
    private static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-switchboard-attempts");
    private static final CharSequence TRACE = HttpHeaders.createOptimized("x-switchboard-trace");
    private static final CharSequence ONE = HttpHeaders.createOptimized("1");
    private static final CharSequence CACHE = HttpHeaders.createOptimized("x-switchboard-cache");
    private static final CharSequence BYPASS = HttpHeaders.createOptimized("bypass");
}
