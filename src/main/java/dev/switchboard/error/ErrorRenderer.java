package dev.switchboard.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes errors in the OpenAI shape of CONTRACT.md ({@code {"error":{"message","type","param","code"}}})
 * with the retry headers: {@code Retry-After} in whole seconds and {@code retry-after-ms}, and
 * {@code x-should-retry: false} when the gateway has already retried or retrying cannot help.
 * The Anthropic and Gemini shapes join here with their ingress codecs.
 */
public final class ErrorRenderer {

    private ErrorRenderer() {}

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
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(e.status());
        response.putHeader("content-type", "application/json");
        retryHeaders(response, e);
        response.end(Json.buffer(openAiBody(e)));
    }

    public static void retryHeaders(HttpServerResponse response, GatewayError e) {
        if (e.retryAfterMs() >= 0) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
            response.putHeader("retry-after-ms", Long.toString(e.retryAfterMs()));
        }
        if (e.finalAnswer()) response.putHeader("x-should-retry", "false");
    }

    /**
     * Google's error shape for {@code /v1beta/*}: {@code {"error":{"code","message","status"}}}
     * with the HTTP status as {@code code} and its google.rpc name as {@code status}, plus the
     * {@code details} Google's clients read: an {@code ErrorInfo} whose {@code reason} is the
     * gateway's code in upper case ({@code MODEL_NOT_FOUND}, with the offending field as
     * {@code metadata.param}), and a {@code RetryInfo} when there is a wait to honour.
     */
    public static ObjectNode geminiBody(GatewayError e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("code", e.status());
        err.put("message", e.getMessage());
        err.put("status", dev.switchboard.provider.gemini.GeminiWire.status(e.status()));
        com.fasterxml.jackson.databind.node.ArrayNode details = err.putArray("details");
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", e.kind().code().toUpperCase(java.util.Locale.ROOT));
        info.put("domain", "switchboard");
        if (e.param() != null) info.putObject("metadata").put("param", e.param());
        if (e.retryAfterMs() >= 0) {
            details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", (Math.max(1, (e.retryAfterMs() + 999) / 1000)) + "s");
        }
        return root;
    }

    public static void gemini(HttpServerResponse response, GatewayError e) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(e.status());
        response.putHeader("content-type", "application/json");
        retryHeaders(response, e);
        response.end(Json.buffer(geminiBody(e)));
    }

    /** The error event that ends an OpenAI stream after the commit point, followed by {@code [DONE]}. */
    public static Buffer openAiStreamError(GatewayError e) {
        return Buffer.buffer("data: ").appendBuffer(Json.buffer(openAiBody(e))).appendString("\n\ndata: [DONE]\n\n");
    }
}
