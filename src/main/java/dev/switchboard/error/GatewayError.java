package dev.switchboard.error;

/**
 * An error the gateway answers with. The message is the gateway's own wording: provider text is
 * logged (tied by request id), never shown. {@code retryAfterMs} fills {@code Retry-After} and
 * {@code retry-after-ms}; {@code finalAnswer} adds {@code x-should-retry: false} so SDKs do not
 * retry what the gateway already retried.
 */
public final class GatewayError extends RuntimeException {

    private final ErrorKind kind;
    private final String param;
    private final long retryAfterMs;
    private final boolean finalAnswer;

    public GatewayError(ErrorKind kind, String message, String param, long retryAfterMs, boolean finalAnswer) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
        this.retryAfterMs = retryAfterMs;
        this.finalAnswer = finalAnswer;
    }

    public static GatewayError of(ErrorKind kind, String message) {
        return new GatewayError(kind, message, null, -1, false);
    }

    public static GatewayError invalid(String param, String message) {
        return new GatewayError(ErrorKind.INVALID_REQUEST, message, param, -1, false);
    }

    /** 409 {@code conflict}, naming the field whose value is taken. */
    public static GatewayError conflict(String param, String message) {
        return new GatewayError(ErrorKind.CONFLICT, message, param, -1, false);
    }

    public GatewayError withRetryAfter(long millis, boolean finalAnswer) {
        return new GatewayError(kind, getMessage(), param, millis, finalAnswer);
    }

    /** The same error naming no field. */
    public GatewayError withoutParam() {
        return new GatewayError(kind, getMessage(), null, retryAfterMs, finalAnswer);
    }

    public ErrorKind kind() {
        return kind;
    }

    public int status() {
        return kind.status();
    }

    public String param() {
        return param;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }

    public boolean finalAnswer() {
        return finalAnswer;
    }
}
