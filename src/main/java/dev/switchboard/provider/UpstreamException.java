package dev.switchboard.provider;

import dev.switchboard.error.GatewayError;
import dev.switchboard.routing.FailureClass;

/**
 * A failed attempt at one deployment: its failure class (which decides retry and health) and the
 * error the client would see if no other attempt succeeds. {@code detail} is the provider's own
 * wording, for the log only.
 */
public final class UpstreamException extends RuntimeException {

    private final FailureClass failureClass;
    private final transient GatewayError error;
    private final int upstreamStatus;

    public UpstreamException(FailureClass failureClass, GatewayError error, int upstreamStatus, String detail) {
        super(detail, null, false, false);
        this.failureClass = failureClass;
        this.error = error;
        this.upstreamStatus = upstreamStatus;
    }

    public FailureClass failureClass() {
        return failureClass;
    }

    public GatewayError error() {
        return error;
    }

    /** The provider's HTTP status, or 0 when none was received (connection failure, timeout). */
    public int upstreamStatus() {
        return upstreamStatus;
    }
}
