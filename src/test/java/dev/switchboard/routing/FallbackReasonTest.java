package dev.switchboard.routing;

import static dev.switchboard.routing.FallbackReason.CONTENT_POLICY;
import static dev.switchboard.routing.FallbackReason.CONTEXT_WINDOW;
import static dev.switchboard.routing.FallbackReason.GENERAL;
import static dev.switchboard.routing.FallbackReason.RATE_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import org.junit.jupiter.api.Test;

class FallbackReasonTest {

    @Test
    void throttlesAndAPoolWhollyCoolingDown_tryTheRateLimitChainThenTheGeneralOne() {
        assertThat(FallbackReason.after(FailureClass.THROTTLE, ErrorKind.RATE_LIMIT_EXCEEDED)).containsExactly(RATE_LIMIT, GENERAL);
        assertThat(FallbackReason.after(null, null)).containsExactly(RATE_LIMIT, GENERAL);
    }

    @Test
    void transientAndConfigurationFailures_followTheGeneralChain() {
        assertThat(FallbackReason.after(FailureClass.TRANSIENT, ErrorKind.UPSTREAM_ERROR)).containsExactly(GENERAL);
        assertThat(FallbackReason.after(FailureClass.TRANSIENT, ErrorKind.TIMEOUT)).containsExactly(GENERAL);
        assertThat(FallbackReason.after(FailureClass.CONFIGURATION, ErrorKind.UPSTREAM_ERROR)).containsExactly(GENERAL);
    }

    @Test
    void aRefusedRequest_goesOnlyToTheChainKeptForItsRefusal() {
        assertThat(FallbackReason.after(FailureClass.REQUEST, ErrorKind.CONTEXT_LENGTH_EXCEEDED)).containsExactly(CONTEXT_WINDOW);
        assertThat(FallbackReason.after(FailureClass.REQUEST, ErrorKind.CONTENT_POLICY_VIOLATION)).containsExactly(CONTENT_POLICY);
        assertThat(FallbackReason.after(FailureClass.REQUEST, ErrorKind.INVALID_REQUEST)).isEmpty();
    }

    @Test
    void theGatewaysOwnFailures_fallBackNowhere() {
        assertThat(FallbackReason.after(FailureClass.GATEWAY, ErrorKind.SERVICE_UNAVAILABLE)).isEmpty();
    }
}
