package dev.switchboard.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Bodies;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;

/**
 * Writes errors in the shape of the client's format, as CONTRACT.md fixes them, with the retry
 * headers: {@code Retry-After} in whole seconds and {@code retry-after-ms}, and
 * {@code x-should-retry: false} when the gateway has already retried, retrying cannot help, or the
 * wait is over a minute.
 * <ul>
 *   <li>OpenAI paths and {@code /admin}: {@code {"error":{"message","type","param","code"}}}.</li>
 *   <li>{@code /v1/messages*} (Anthropic): {@code {"type":"error","error":{"type","message"},"request_id"}}
 *       with Anthropic's error types; Anthropic's shape has no {@code param}, so messages name the
 *       field themselves.</li>
 *   <li>{@code /v1beta/*} (Gemini): {@code {"error":{"code","message","status"}}} with Google's
 *       canonical status names.</li>
 * </ul>
 * The HTTP status is the {@link ErrorKind}'s in every shape: the contract fixes one status per case.
 */
public final class ErrorRenderer {

    private ErrorRenderer() {}

    /** The shape a path answers errors in. */
    public enum Shape { OPENAI, ANTHROPIC, GEMINI }

    public static Shape shapeFor(String path) {
        if (path == null) return Shape.OPENAI;
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) return Shape.ANTHROPIC;
        if (path.startsWith("/v1beta/")) return Shape.GEMINI;
        return Shape.OPENAI;
    }

    /**
     * The shape {@code request} is answered in: its path's, except that the models list speaks
     * Anthropic's to a request carrying {@code anthropic-version}, as its answers do.
     */
    public static Shape shapeFor(HttpServerRequest request) {
        String path = request.path();
        if (path != null && path.startsWith("/v1/models") && request.headers().contains("anthropic-version")) return Shape.ANTHROPIC;
        return shapeFor(path);
    }

    /** Answers {@code e} in the shape that {@code request} speaks. */
    public static void render(HttpServerRequest request, HttpServerResponse response, GatewayError e) {
        ObjectNode body = switch (shapeFor(request)) {
            case ANTHROPIC -> anthropicBody(e, response.headers().get(Headers.X_REQUEST_ID));
            case GEMINI -> geminiBody(e);
            case OPENAI -> openAiBody(e);
        };
        write(request, response, e, body);
    }

    // ------------------------------------------------------------------ OpenAI

    public static ObjectNode openAiBody(GatewayError e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.kind().type());
        if (e.param() == null) err.putNull("param");
        else err.put("param", e.param());
        err.put("code", e.kind().code());
        return root;
    }

    public static void openAi(HttpServerResponse response, GatewayError e) {
        write(null, response, e, openAiBody(e));
    }

    /** The error event that ends an OpenAI stream after the commit point, followed by {@code [DONE]}. */
    public static Buffer openAiStreamError(GatewayError e) {
        return Buffer.buffer("data: ").appendBuffer(Json.buffer(openAiBody(e))).appendString("\n\ndata: [DONE]\n\n");
    }

    // ------------------------------------------------------------------ Anthropic

    /**
     * Anthropic's error type for a kind. Anthropic's own statuses: 400 invalid_request_error,
     * 401 authentication_error, 403 permission_error, 404 not_found_error, 409 conflict_error,
     * 413 request_too_large, 429 rate_limit_error, 500 api_error, 504 timeout_error,
     * 529 overloaded_error; other 4xx are invalid_request_error. The gateway's 503s (every
     * deployment cooling down, shedding load, draining) are overload in Anthropic's terms.
     */
    public static String anthropicType(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED, UNSUPPORTED_PARAMETER, MAX_TOKENS_EXCEEDED,
                 CONTENT_POLICY_VIOLATION, MODEL_UNPRICED, PREVIOUS_RESPONSE_NOT_FOUND, METHOD_NOT_ALLOWED, URI_TOO_LONG,
                 HEADERS_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE -> "invalid_request_error";
            case REQUEST_TOO_LARGE -> "request_too_large";
            case INVALID_API_KEY, KEY_DISABLED, KEY_EXPIRED -> "authentication_error";
            case ADMIN_ONLY, MODEL_NOT_ALLOWED, ORIGIN_NOT_ALLOWED -> "permission_error";
            case MODEL_NOT_FOUND, NOT_FOUND, THREAD_NOT_FOUND -> "not_found_error";
            case CONFLICT, READ_ONLY_ENTRY -> "conflict_error";
            case RATE_LIMIT_EXCEEDED, BUDGET_EXCEEDED -> "rate_limit_error";
            case DEPLOYMENTS_IN_COOLDOWN, SERVICE_UNAVAILABLE -> "overloaded_error";
            case TIMEOUT -> "timeout_error";
            case UPSTREAM_ERROR, INTERNAL -> "api_error";
        };
    }

    /**
     * Canonical parameters (named as OpenAI names them) under the names an Anthropic request gives
     * them, for an {@code unsupported_parameter} refusal, which must name the client's own field.
     */
    private static final Map<String, String> ANTHROPIC_FIELDS = Map.of(
            "user", "metadata.user_id",
            "parallel_tool_calls", "tool_choice.disable_parallel_tool_use",
            "stop", "stop_sequences",
            "reasoning_effort", "thinking",
            "response_format", "output_config.format");

    /** The same for a Gemini request: most of its parameters live in {@code generationConfig}. */
    private static final Map<String, String> GEMINI_FIELDS = Map.ofEntries(
            Map.entry("max_tokens", "generationConfig.maxOutputTokens"),
            Map.entry("temperature", "generationConfig.temperature"),
            Map.entry("top_p", "generationConfig.topP"),
            Map.entry("stop", "generationConfig.stopSequences"),
            Map.entry("n", "generationConfig.candidateCount"),
            Map.entry("seed", "generationConfig.seed"),
            Map.entry("presence_penalty", "generationConfig.presencePenalty"),
            Map.entry("frequency_penalty", "generationConfig.frequencyPenalty"),
            Map.entry("response_format", "generationConfig.responseSchema"),
            Map.entry("reasoning_effort", "generationConfig.thinkingConfig"),
            Map.entry("tool_choice", "toolConfig.functionCallingConfig"),
            Map.entry("tools", "tools"));

    /** An {@code unsupported_parameter} refusal naming the client's field instead of the canonical one. */
    static GatewayError inClientTerms(GatewayError e, Map<String, String> fields) {
        String theirs = e.kind() == ErrorKind.UNSUPPORTED_PARAMETER && e.param() != null ? fields.get(e.param()) : null;
        if (theirs == null) return e;
        return new GatewayError(e.kind(), e.getMessage().replace("'" + e.param() + "'", "'" + theirs + "'"), theirs,
                e.retryAfterMs(), e.finalAnswer());
    }

    /** @param requestId the request's id, shown as Anthropic shows its own, or null */
    public static ObjectNode anthropicBody(GatewayError e, String requestId) {
        e = inClientTerms(e, ANTHROPIC_FIELDS);
        ObjectNode root = Json.object();
        root.put("type", "error");
        ObjectNode err = root.putObject("error");
        err.put("type", anthropicType(e.kind()));
        err.put("message", e.getMessage());
        // Anthropic's SDKs read a thread rejection's code here and resend the whole conversation
        if (e.kind() == ErrorKind.THREAD_NOT_FOUND) err.putObject("details").put("error_code", e.kind().code());
        if (requestId != null) root.put("request_id", requestId);
        return root;
    }

    /** The {@code event: error} that ends an Anthropic stream after the commit point. */
    public static Buffer anthropicStreamError(GatewayError e, String requestId) {
        return Buffer.buffer("event: error\ndata: ").appendBuffer(Json.buffer(anthropicBody(e, requestId))).appendString("\n\n");
    }

    // ------------------------------------------------------------------ Gemini

    /** Google's canonical status name for a kind's HTTP status. */
    public static String geminiStatus(ErrorKind kind) {
        return switch (kind.status()) {
            case 400, 413, 414, 415, 431 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405 -> "UNIMPLEMENTED";
            case 409 -> "ALREADY_EXISTS";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 502, 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "INTERNAL";
        };
    }

    /**
     * Google's error shape with the {@code details} Google's clients read: an {@code ErrorInfo}
     * whose {@code reason} is the gateway's code in upper case ({@code MODEL_NOT_FOUND}, with the
     * offending field as {@code metadata.param}), and a {@code RetryInfo} when there is a wait.
     */
    public static ObjectNode geminiBody(GatewayError e) {
        e = inClientTerms(e, GEMINI_FIELDS);
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("code", e.status());
        err.put("message", e.getMessage());
        err.put("status", geminiStatus(e.kind()));
        com.fasterxml.jackson.databind.node.ArrayNode details = err.putArray("details");
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", e.kind().code().toUpperCase(java.util.Locale.ROOT));
        info.put("domain", "switchboard");
        if (e.param() != null) info.putObject("metadata").put("param", e.param());
        if (e.retryAfterMs() >= 0) {
            details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", Math.max(1, (e.retryAfterMs() + 999) / 1000) + "s");
        }
        return root;
    }

    // ------------------------------------------------------------------ shared

    /** {@code request}, when known, answers a HEAD without the body. */
    private static void write(HttpServerRequest request, HttpServerResponse response, GatewayError e, ObjectNode body) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(e.status());
        response.putHeader("content-type", "application/json");
        retryHeaders(response, e);
        if (request != null) Bodies.end(request, response, Json.buffer(body));
        else response.end(Json.buffer(body));
    }

    public static void retryHeaders(HttpServerResponse response, GatewayError e) {
        if (e.retryAfterMs() >= 0) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
            response.putHeader("retry-after-ms", Long.toString(e.retryAfterMs()));
        }
        if (e.finalAnswer() || e.retryAfterMs() > LONGEST_SDK_WAIT_MS) response.putHeader("x-should-retry", "false");
    }

    /**
     * Past this wait an SDK should give up rather than sleep: OpenAI's Node SDK sleeps for any
     * {@code retry-after-ms}, so a deployment quarantined for five minutes held each call ten.
     */
    static final long LONGEST_SDK_WAIT_MS = 60_000;
}
