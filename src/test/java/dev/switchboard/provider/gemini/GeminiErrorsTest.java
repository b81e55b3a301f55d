package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** Gemini's error answers and wire facts in canonical terms. */
class GeminiErrorsTest {

    private static UpstreamException classify(int status, String body) throws Exception {
        return GeminiErrors.classify(status, MultiMap.caseInsensitiveMultiMap(), Json.parse(body), "test");
    }

    @Test
    void badApiKey_isConfiguration_notTheClientsRequest() throws Exception {
        UpstreamException e = classify(400, """
                {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
                 "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""");
        assertThat(e.failureClass()).isEqualTo(FailureClass.CONFIGURATION);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
        assertThat(e.error().getMessage()).doesNotContain("API key not valid");
    }

    @Test
    void failedPrecondition_isConfiguration() throws Exception {
        UpstreamException e = classify(400, """
                {"error":{"code":400,"message":"Gemini API free tier is not available in your country.","status":"FAILED_PRECONDITION"}}""");
        assertThat(e.failureClass()).isEqualTo(FailureClass.CONFIGURATION);
    }

    @Test
    void resourceExhausted_isThrottle_withTheRetryInfoDelay() throws Exception {
        UpstreamException e = classify(429, """
                {"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED",
                 "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"38s"}]}}""");
        assertThat(e.failureClass()).isEqualTo(FailureClass.THROTTLE);
        assertThat(e.error().retryAfterMs()).isEqualTo(38_000);
        assertThat(GeminiErrors.duration("1.5s")).isEqualTo(1500);
        assertThat(GeminiErrors.duration("soon")).isEqualTo(-1);
    }

    @Test
    void overTheContextWindow_isContextLengthExceeded() throws Exception {
        UpstreamException e = classify(400, """
                {"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                 "status":"INVALID_ARGUMENT"}}""");
        assertThat(e.failureClass()).isEqualTo(FailureClass.REQUEST);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.CONTEXT_LENGTH_EXCEEDED);
    }

    @Test
    void serverSide_isTransient_andDeadlineExceededIsATimeout() throws Exception {
        assertThat(classify(503, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}").failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(classify(500, "{\"error\":{\"code\":500,\"status\":\"INTERNAL\"}}").failureClass()).isEqualTo(FailureClass.TRANSIENT);
        UpstreamException timeout = classify(504, "{\"error\":{\"code\":504,\"status\":\"DEADLINE_EXCEEDED\"}}");
        assertThat(timeout.failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(timeout.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(classify(403, "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\"}}").failureClass())
                .isEqualTo(FailureClass.CONFIGURATION);
        assertThat(classify(404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\"}}").failureClass())
                .isEqualTo(FailureClass.CONFIGURATION);
    }

    @Test
    void usage_countsCachedWithinInput_andThoughtsWithinOutput() throws Exception {
        Usage u = GeminiWire.usage(Json.parse("""
                {"promptTokenCount":96,"candidatesTokenCount":11,"totalTokenCount":171,"cachedContentTokenCount":64,
                 "thoughtsTokenCount":64}"""));
        assertThat(u).isEqualTo(new Usage(96, 75, 64, 0, 64, false));
        assertThat(Json.text(GeminiWire.usageMetadata(u))).isEqualTo(Json.text(Json.parse("""
                {"promptTokenCount":96,"candidatesTokenCount":11,"totalTokenCount":171,"cachedContentTokenCount":64,
                 "thoughtsTokenCount":64}""")));
    }

    @Test
    void finishReasons_mapBothWays() {
        assertThat(GeminiWire.finishReason("STOP", false)).isEqualTo(FinishReason.STOP);
        assertThat(GeminiWire.finishReason("STOP", true)).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(GeminiWire.finishReason("MAX_TOKENS", false)).isEqualTo(FinishReason.LENGTH);
        for (String blocked : new String[] {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"}) {
            assertThat(GeminiWire.finishReason(blocked, false)).isEqualTo(FinishReason.CONTENT_FILTER);
        }
        assertThat(GeminiWire.finishReason("MALFORMED_FUNCTION_CALL", false)).isEqualTo(FinishReason.ERROR);
        assertThat(GeminiWire.finishReason("OTHER", false)).isEqualTo(FinishReason.ERROR);
        assertThat(GeminiWire.finishReason(FinishReason.TOOL_CALLS)).isEqualTo("STOP");
        assertThat(GeminiWire.finishReason(FinishReason.LENGTH)).isEqualTo("MAX_TOKENS");
        assertThat(GeminiWire.finishReason(FinishReason.CONTENT_FILTER)).isEqualTo("SAFETY");
    }

    @Test
    void thinkingBudget_andReasoningEffort_mapBothWays() {
        assertThat(GeminiWire.thinkingBudget("none")).isZero();
        assertThat(GeminiWire.thinkingBudget("low")).isEqualTo(1024);
        assertThat(GeminiWire.thinkingBudget("medium")).isEqualTo(8192);
        assertThat(GeminiWire.thinkingBudget("high")).isEqualTo(24576);
        assertThat(GeminiWire.thinkingBudget("unheard-of")).isNull();
        assertThat(GeminiWire.reasoningEffort(0)).isEqualTo("none");
        assertThat(GeminiWire.reasoningEffort(-1)).isNull();
        assertThat(GeminiWire.reasoningEffort(512)).isEqualTo("low");
        assertThat(GeminiWire.reasoningEffort(1024)).isEqualTo("low");
        assertThat(GeminiWire.reasoningEffort(4096)).isEqualTo("medium");
        assertThat(GeminiWire.reasoningEffort(24576)).isEqualTo("high");
    }
}
