package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.SseJsonSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.Map;

/**
 * The OpenAI Chat Completions adapter, serving OpenAI itself and every preset of the compatible
 * family. In native mode (the client spoke OpenAI) the client's body is forwarded with only the
 * managed fields rewritten: {@code model}, {@code stream_options} (usage is always asked for where
 * the server takes it) and the preset's unsupported or renamed fields. Everything else — unknown
 * fields included — reaches the provider untouched.
 */
public final class OpenAiProvider implements Provider {

    private final OpenAiPreset preset;

    public OpenAiProvider(OpenAiPreset preset) {
        this.preset = preset;
    }

    public OpenAiPreset preset() {
        return preset;
    }

    @Override
    public String id() {
        return preset.id();
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.OPENAI_CHAT;
    }

    @Override
    public Capabilities capabilities() {
        return preset.capabilities();
    }

    @Override
    public ProviderEndpoint endpoint() {
        return new ProviderEndpoint(preset.defaultBaseUrl(), preset.apiKeyEnv(), preset.baseUrlEnv(), preset.keyRequired(),
                false, preset.directPrefixes());
    }

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        if (call.nativeBody() == null) return untranslatable();
        boolean stream = call.request().stream();
        ObjectNode body;
        try {
            body = rewrite(call.nativeBody(), call.deployment(), stream, call.rejectUnsupported());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        Deployment d = call.deployment();
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        return send(call.connector(), d, "/chat/completions", body, call.clientHeaders(), call.requestId(), stream, deadlines,
                call.cancellation())
                .compose(resp -> {
                    if (stream) return Future.succeededFuture(new ChatReply.NativeStream(new SseJsonSource(resp, deadlines),
                            UpstreamHeaders.passBack(resp.headers())));
                    return reply(resp, deadlines, call.request().model()).map(r -> new ChatReply.NativeJson(r.body(), r.usage(),
                            r.upstreamModel() != null ? r.upstreamModel() : d.upstreamModel(), UpstreamHeaders.passBack(resp.headers())));
                });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        if (call.nativeBody() == null) return untranslatable();
        Deployment d = call.deployment();
        if (!preset.capabilities().embeddings()) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                    "Provider " + preset.id() + " does not serve embeddings.", "model", -1, false), 0, "no embeddings at " + preset.id()));
        }
        ObjectNode body = call.nativeBody().objectNode();
        body.setAll(call.nativeBody());
        body.put("model", d.upstreamModel());
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        return send(call.connector(), d, "/embeddings", body, call.clientHeaders(), call.requestId(), false, deadlines,
                call.cancellation())
                .compose(resp -> reply(resp, deadlines, call.request().model()).map(r -> new EmbeddingReply.Native(r.body(), r.usage(),
                        r.upstreamModel() != null ? r.upstreamModel() : d.upstreamModel(), UpstreamHeaders.passBack(resp.headers()))));
    }

    /** A shallow copy of the client's body with the managed fields set for this deployment. */
    ObjectNode rewrite(ObjectNode client, Deployment d, boolean stream, boolean rejectUnsupported) {
        ObjectNode body = client.objectNode();
        body.setAll(client);
        body.put("model", d.upstreamModel());
        if (stream) {
            ObjectNode options = body.objectNode();
            JsonNode given = client.get("stream_options");
            if (given != null && given.isObject()) options.setAll((ObjectNode) given);
            if (preset.capabilities().streamUsageOption()) {
                options.put("include_usage", true);
                body.set("stream_options", options);
            } else {
                options.remove("include_usage");
                if (options.isEmpty()) body.remove("stream_options");
                else body.set("stream_options", options);
            }
        }
        for (String field : preset.unsupported()) {
            if (!body.has(field)) continue;
            if (rejectUnsupported) {
                throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER,
                        "Parameter '" + field + "' is not supported by provider " + preset.id() + ".", field, -1, false);
            }
            body.remove(field);
        }
        for (Map.Entry<String, String> r : preset.renamed().entrySet()) {
            JsonNode v = body.remove(r.getKey());
            if (v != null) body.set(r.getValue(), v);
        }
        return body;
    }

    private static Future<HttpClientResponse> send(dev.switchboard.transport.OutboundConnector connector, Deployment d, String path,
                                                   ObjectNode body, MultiMap client, String requestId, boolean stream,
                                                   CallDeadlines deadlines, Cancellation cancellation) {
        MultiMap headers = io.vertx.core.http.HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? Headers.TEXT_EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        if (d.apiKey() != null) headers.set(Headers.AUTHORIZATION, d.bearer());
        headers.set(Headers.X_REQUEST_ID, requestId);
        UpstreamHeaders.addVendor(headers, client, "openai-");
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        Buffer payload = Json.buffer(body);
        return connector.send(HttpMethod.POST, d.baseUrl(), path, headers, payload, d.timeouts().connectMs(), req -> {
                    deadlines.attach(req);
                    // once the call is over its connection may serve another request: never reset it then
                    cancellation.onCancel(() -> {
                        if (deadlines.settled()) return;
                        deadlines.settle();
                        req.reset();
                    });
                })
                .recover(t -> {
                    String expired = deadlines.expired();
                    deadlines.settle();
                    return Future.failedFuture(expired != null ? UpstreamErrors.timeout(expired, t.toString()) : UpstreamErrors.transport(t));
                })
                .compose(resp -> {
                    if (resp.statusCode() < 300) return Future.succeededFuture(resp);
                    return resp.body().transform(ar -> {
                        deadlines.settle();
                        JsonNode err = null;
                        String text = ar.succeeded() ? ar.result().toString() : String.valueOf(ar.cause());
                        try {
                            if (ar.succeeded()) err = Json.parse(ar.result().getBytes());
                        } catch (IOException ignored) {
                            // not JSON: classified by status alone
                        }
                        return Future.failedFuture(UpstreamErrors.classify(resp.statusCode(),
                                UpstreamErrors.retryAfterMs(resp.headers()), err, "HTTP " + resp.statusCode() + ": " + text));
                    });
                });
    }

    /** The whole reply, rewritten for the client in one pass. */
    private static Future<NativeReply.Rewritten> reply(HttpClientResponse resp, CallDeadlines deadlines, String clientModel) {
        return resp.body().transform(ar -> {
            deadlines.settle();
            if (ar.failed()) {
                return Future.failedFuture(deadlines.expired() != null
                        ? UpstreamErrors.timeout(deadlines.expired(), ar.cause().toString()) : UpstreamErrors.transport(ar.cause()));
            }
            try {
                return Future.succeededFuture(NativeReply.rewrite(ar.result().getBytes(), clientModel));
            } catch (IOException e) {
                return Future.failedFuture(UpstreamErrors.transport(new IOException("the provider answered with malformed JSON: " + e.getMessage())));
            }
        });
    }

    /** OpenAI usage, with cached and reasoning details where given. */
    public static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        return new Usage(
                u.path("prompt_tokens").asLong(),
                u.path("completion_tokens").asLong(),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(),
                0,
                u.path("completion_tokens_details").path("reasoning_tokens").asLong(),
                false);
    }


    private static <T> Future<T> untranslatable() {
        return Future.failedFuture(new UpstreamException(FailureClass.GATEWAY, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                "This provider cannot serve this request format yet."), 0, "no canonical encoder for openai yet"));
    }
}
