package dev.switchboard.error;

/**
 * Every error the gateway can answer, with its HTTP status and its OpenAI type and code. The
 * Anthropic and Gemini renderers map the same kinds onto their own shapes.
 */
public enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    CONTEXT_LENGTH_EXCEEDED(400, "invalid_request_error", "context_length_exceeded"),
    UNSUPPORTED_PARAMETER(400, "invalid_request_error", "unsupported_parameter"),
    MAX_TOKENS_EXCEEDED(400, "invalid_request_error", "max_tokens_exceeded"),
    CONTENT_POLICY_VIOLATION(400, "invalid_request_error", "content_policy_violation"),
    MODEL_UNPRICED(400, "invalid_request_error", "model_unpriced"),
    /** A Responses {@code previous_response_id} that does not exist (or is not the caller's), as OpenAI answers it. */
    PREVIOUS_RESPONSE_NOT_FOUND(400, "invalid_request_error", "previous_response_not_found"),
    INVALID_API_KEY(401, "authentication_error", "invalid_api_key"),
    KEY_DISABLED(401, "authentication_error", "key_disabled"),
    KEY_EXPIRED(401, "authentication_error", "key_expired"),
    ADMIN_ONLY(403, "permission_error", "admin_only"),
    MODEL_NOT_ALLOWED(403, "permission_error", "model_not_allowed"),
    ORIGIN_NOT_ALLOWED(403, "permission_error", "origin_not_allowed"),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    THREAD_NOT_FOUND(404, "invalid_request_error", "thread_not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    URI_TOO_LONG(414, "invalid_request_error", "uri_too_long"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "headers_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
    CONFLICT(409, "invalid_request_error", "conflict"),
    READ_ONLY_ENTRY(409, "invalid_request_error", "read_only_entry"),
    RATE_LIMIT_EXCEEDED(429, "rate_limit_error", "rate_limit_exceeded"),
    BUDGET_EXCEEDED(429, "rate_limit_error", "budget_exceeded"),
    DEPLOYMENTS_IN_COOLDOWN(503, "server_error", "deployments_in_cooldown"),
    SERVICE_UNAVAILABLE(503, "server_error", "service_unavailable"),
    UPSTREAM_ERROR(502, "server_error", "upstream_error"),
    TIMEOUT(504, "server_error", "timeout"),
    INTERNAL(500, "server_error", "internal_error");

    private final int status;
    private final String type;
    private final String code;

    ErrorKind(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
