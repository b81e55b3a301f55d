package dev.switchboard.routing;

import dev.switchboard.error.ErrorKind;
import java.util.List;

/**
 * The reasons a fallback chain is kept for, and which chains a failure may follow. Only the
 * primary model's chains are followed (a fallback's own chains never are: no recursion).
 */
public enum FallbackReason {
    GENERAL("general"), RATE_LIMIT("rate_limit"), CONTEXT_WINDOW("context_window"), CONTENT_POLICY("content_policy");

    private final String wireName;

    FallbackReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The chains, in order, that may serve a request after this failure; empty when another model
     * cannot help. A throttle (or a pool wholly cooling down) tries the {@code rate_limit} chain,
     * then the general one; a request the provider refused goes only to the chain kept for that
     * refusal (a bigger context window, a laxer policy).
     *
     * @param failure null when no attempt was made (the whole pool was cooling or full)
     */
    public static List<FallbackReason> after(FailureClass failure, ErrorKind kind) {
        if (failure == null || failure == FailureClass.THROTTLE) return List.of(RATE_LIMIT, GENERAL);
        return switch (failure) {
            case TRANSIENT, CONFIGURATION -> List.of(GENERAL);
            case REQUEST -> kind == ErrorKind.CONTEXT_LENGTH_EXCEEDED ? List.of(CONTEXT_WINDOW)
                    : kind == ErrorKind.CONTENT_POLICY_VIOLATION ? List.of(CONTENT_POLICY) : List.of();
            default -> List.of();
        };
    }
}
