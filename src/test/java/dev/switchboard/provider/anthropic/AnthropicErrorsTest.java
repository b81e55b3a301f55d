package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    static String body(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2} {3}")
    @CsvSource({
            "400, invalid_request_error, REQUEST, INVALID_REQUEST",
            "401, authentication_error, CONFIGURATION, UPSTREAM_ERROR",
            "402, billing_error, CONFIGURATION, UPSTREAM_ERROR",
            "403, permission_error, CONFIGURATION, UPSTREAM_ERROR",
            "404, not_found_error, CONFIGURATION, UPSTREAM_ERROR",
            "413, request_too_large, REQUEST, REQUEST_TOO_LARGE",
            "429, rate_limit_error, THROTTLE, RATE_LIMIT_EXCEEDED",
            "500, api_error, TRANSIENT, UPSTREAM_ERROR",
            "504, timeout_error, TRANSIENT, TIMEOUT",
            "529, overloaded_error, TRANSIENT, UPSTREAM_ERROR"})
    void classify_byStatusAndType(int status, String type, FailureClass cls, ErrorKind kind) throws IOException {
        UpstreamException e = AnthropicErrors.classify(status, -1, Json.parse(body(type, "provider words")), "detail");
        assertThat(e.failureClass()).isEqualTo(cls);
        assertThat(e.error().kind()).isEqualTo(kind);
        assertThat(e.upstreamStatus()).isEqualTo(status);
        assertThat(e.error().getMessage()).doesNotContain("provider words");
    }

    @Test
    void classify_throttle_honoursRetryAfter() throws IOException {
        UpstreamException e = AnthropicErrors.classify(429, 7000, Json.parse(body("rate_limit_error", "slow down")), "d");
        assertThat(e.error().retryAfterMs()).isEqualTo(7000);
    }

    @Test
    void classify_promptTooLong_isContextLengthExceeded() throws IOException {
        UpstreamException e = AnthropicErrors.classify(400, -1,
                Json.parse(body("invalid_request_error", "prompt is too long: 208154 tokens > 200000 maximum")), "d");
        assertThat(e.failureClass()).isEqualTo(FailureClass.REQUEST);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.CONTEXT_LENGTH_EXCEEDED);
    }

    @Test
    void classify_bodyThatIsNotJson_goesByStatus() {
        assertThat(AnthropicErrors.classify(529, -1, null, "<html>").failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(AnthropicErrors.classify(413, -1, null, "<html>").error().kind()).isEqualTo(ErrorKind.REQUEST_TOO_LARGE);
    }

    @ParameterizedTest(name = "stream error {0} -> {1} as {2}")
    @CsvSource({
            "overloaded_error, TRANSIENT, 529",
            "api_error, TRANSIENT, 500",
            "rate_limit_error, THROTTLE, 429",
            "invalid_request_error, REQUEST, 400",
            "something_new, TRANSIENT, 500"})
    void streamError_isClassifiedAsTheStatusItsTypeStandsFor(String type, FailureClass cls, int status) throws IOException {
        UpstreamException e = AnthropicErrors.streamError(Json.parse(body(type, "x")), "d");
        assertThat(e.failureClass()).isEqualTo(cls);
        assertThat(e.upstreamStatus()).isEqualTo(status);
    }
}
