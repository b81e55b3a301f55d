package dev.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import org.junit.jupiter.api.Test;

class CohereErrorsTest {

    @Test
    void invalidTokenAndBilling_areConfigurationFailures() throws Exception {
        for (int status : new int[] {498, 402, 401}) {
            UpstreamException e = CohereProvider.classify(status, -1, Json.parse("{\"message\":\"invalid api token\"}"), "d");
            assertThat(e.failureClass()).as("status %d", status).isEqualTo(FailureClass.CONFIGURATION);
            assertThat(e.error().kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
            assertThat(e.upstreamStatus()).as("the status Cohere gave, in the trace and the message").isEqualTo(status);
            assertThat(e.error().getMessage()).contains("(HTTP " + status + ")");
        }
    }

    @Test
    void tooManyTokens_isContextLengthExceeded() throws Exception {
        UpstreamException e = CohereProvider.classify(400, -1, Json.parse(
                "{\"id\":\"x\",\"message\":\"too many tokens: total number of tokens in the prompt cannot exceed 128000\"}"), "d");
        assertThat(e.failureClass()).isEqualTo(FailureClass.REQUEST);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.CONTEXT_LENGTH_EXCEEDED);
        assertThat(e.error().getMessage()).doesNotContain("128000"); // the provider's wording stays in the log
    }

    @Test
    void throttlesAndServerErrors_byStatus() throws Exception {
        assertThat(CohereProvider.classify(429, 2000, Json.parse("{\"message\":\"slow down\"}"), "d").failureClass())
                .isEqualTo(FailureClass.THROTTLE);
        assertThat(CohereProvider.classify(503, -1, null, "d").failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(CohereProvider.classify(422, -1, Json.parse("{\"message\":\"bad field\"}"), "d").error().kind())
                .isEqualTo(ErrorKind.INVALID_REQUEST);
    }
}
