package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    @ParameterizedTest(name = "HTTP {0} -> {1} {2}")
    @CsvSource({
            "400, REQUEST, INVALID_REQUEST",
            "422, REQUEST, INVALID_REQUEST",
            "413, REQUEST, REQUEST_TOO_LARGE",
            "401, CONFIGURATION, UPSTREAM_ERROR",
            "403, CONFIGURATION, UPSTREAM_ERROR",
            "404, CONFIGURATION, UPSTREAM_ERROR",
            "408, TRANSIENT, UPSTREAM_ERROR",
            "429, THROTTLE, RATE_LIMIT_EXCEEDED",
            "500, TRANSIENT, UPSTREAM_ERROR",
            "503, TRANSIENT, UPSTREAM_ERROR",
            "504, TRANSIENT, TIMEOUT"})
    void classify_byStatus(int status, FailureClass cls, ErrorKind kind) {
        UpstreamException e = UpstreamErrors.classify(status, -1, null, "provider words");
        assertThat(e.failureClass()).isEqualTo(cls);
        assertThat(e.error().kind()).isEqualTo(kind);
        assertThat(e.error().getMessage()).doesNotContain("provider words");
        assertThat(e.upstreamStatus()).isEqualTo(status);
    }

    @Test
    void classify_recognisesContextLengthAndContentPolicy_andKeepsTheParam() throws IOException {
        UpstreamException ctx = UpstreamErrors.classify(400, -1, Json.parse(
                "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"code\":\"context_length_exceeded\",\"param\":\"messages\"}}"),
                "d");
        assertThat(ctx.error().kind()).isEqualTo(ErrorKind.CONTEXT_LENGTH_EXCEEDED);
        assertThat(ctx.error().param()).isEqualTo("messages");
        UpstreamException policy = UpstreamErrors.classify(400, -1, Json.parse("{\"error\":{\"code\":\"content_filter\"}}"), "d");
        assertThat(policy.error().kind()).isEqualTo(ErrorKind.CONTENT_POLICY_VIOLATION);
    }

    @Test
    void throttle_carriesTheProvidersRetryAfter() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("retry-after", "7");
        UpstreamException e = UpstreamErrors.classify(429, UpstreamErrors.retryAfterMs(h), null, "d");
        assertThat(e.error().retryAfterMs()).isEqualTo(7000);
        assertThat(UpstreamErrors.retryAfterMs(MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "250"))).isEqualTo(250);
        assertThat(UpstreamErrors.retryAfterMs(MultiMap.caseInsensitiveMultiMap())).isEqualTo(-1);
    }

    @Test
    void transport_failuresAreClassified() {
        assertThat(UpstreamErrors.transport(new ConnectException("refused")).failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(UpstreamErrors.transport(new TimeoutException("t")).error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        UpstreamException busy = UpstreamErrors.transport(new ConnectionPoolTooBusyException("max wait queue size reached"));
        assertThat(busy.failureClass()).isEqualTo(FailureClass.GATEWAY);
        assertThat(busy.error().kind()).isEqualTo(ErrorKind.SERVICE_UNAVAILABLE);
        assertThat(busy.error().status()).isEqualTo(503);
        assertThat(busy.error().retryAfterMs()).isEqualTo(1000);
        assertThat(busy.error().finalAnswer()).isFalse();
    }
}
