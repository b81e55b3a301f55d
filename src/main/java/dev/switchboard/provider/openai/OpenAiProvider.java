package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.openai.OpenAiChatEncoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
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
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.usage.TokenEstimator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The OpenAI Chat Completions adapter, serving OpenAI itself and every preset of the compatible
 * family. In native mode (the client spoke OpenAI) the client's body is forwarded with only the
 * managed fields rewritten: {@code model}, {@code stream_options} (usage is always asked for where
 * the server takes it) and the preset's unsupported or renamed fields. Everything else — unknown
 * fields included — reaches the provider untouched, and the reply is read only for its usage.
 *
 * <p>In canonical mode (the client spoke another format) the canonical request is encoded by
 * {@link OpenAiRequestEncoder} and then goes through the very same managed-field rewrite, so a
 * preset refuses, drops and renames alike in both modes; the reply is decoded to canonical by
 * {@link OpenAiResponseDecoder}, or chunk by chunk by {@link OpenAiChunkDecoder}. Both modes share
 * the sending: headers, deadlines, cancellation and the classification of failures.
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
        ChatRequest request = call.request();
        Deployment d = call.deployment();
        boolean stream = request.stream();
        boolean nativeMode = call.nativeBody() != null;
        ObjectNode body;
        try {
            body = nativeMode ? rewrite(call.nativeBody(), d, stream, call.rejectUnsupported())
                    : upstreamBody(request, d.upstreamModel(), call.rejectUnsupported());
            if (!preset.paths().modelInBody(d)) body.remove("model");
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        return send(call.connector(), d, preset.paths().chat(d), body, call.clientHeaders(), call.requestId(), stream, deadlines,
                call.cancellation())
                .compose(resp -> {
                    MultiMap headers = UpstreamHeaders.passBack(resp.headers());
                    if (stream) {
                        SseJsonSource chunks = new SseJsonSource(resp, deadlines);
                        return Future.succeededFuture(nativeMode ? new ChatReply.NativeStream(chunks, headers)
                                : new ChatReply.CanonicalStream(new TranslatedSource<>(chunks, new OpenAiChunkDecoder()), headers));
                    }
                    if (!nativeMode) {
                        return UpstreamCall.read(resp, deadlines, b -> new ChatReply.CanonicalJson(OpenAiResponseDecoder.decode(Json.parse(b)), headers));
                    }
                    return UpstreamCall.read(resp, deadlines, b -> NativeReply.rewrite(b, request.model()))
                            .compose(r -> r.usage() != null ? Future.succeededFuture(r) : withEstimate(call, r))
                            .map(r -> new ChatReply.NativeJson(r.body(), r.usage(), r.upstreamModel() != null ? r.upstreamModel() : d.upstreamModel(),
                                    headers));
                });
    }

    /**
     * The answer of a server that reported no usage, with the gateway's estimate in its place: the
     * prompt counted (off the event loop when long), the answer at about four characters a token.
     * It is what the client is shown and what the record holds (marked estimated), as for streams.
     */
    private static Future<NativeReply.Rewritten> withEstimate(ChatCall call, NativeReply.Rewritten r) {
        return TokenEstimator.count(call.vertx(), call.request()).map(input -> {
            try {
                if (!(Json.parse(r.body().getBytes()) instanceof ObjectNode answer)) return r;
                Usage u = new Usage(input, TokenEstimator.outputTokens(OpenAiResponseDecoder.decode(answer)), 0, 0, 0, true);
                answer.set("usage", OpenAiChatEncoder.usage(u));
                return new NativeReply.Rewritten(Json.buffer(answer), u, r.upstreamModel());
            } catch (IOException e) {
                return r; // not JSON: passed on as it came, and recorded with the prompt alone
            }
        });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        Deployment d = call.deployment();
        if (!preset.capabilities().embeddings()) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                    "Provider " + preset.id() + " does not serve embeddings.", "model", -1, false), 0, "no embeddings at " + preset.id()));
        }
        boolean nativeMode = call.nativeBody() != null;
        ObjectNode body = nativeMode ? call.nativeBody().deepCopy() : embeddingBody(call.request());
        if (preset.paths().modelInBody(d)) body.put("model", d.upstreamModel());
        else body.remove("model");
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        return send(call.connector(), d, preset.paths().embeddings(d), body, call.clientHeaders(), call.requestId(), false, deadlines,
                call.cancellation())
                .compose(resp -> {
                    MultiMap passBack = UpstreamHeaders.passBack(resp.headers());
                    if (!nativeMode) {
                        return UpstreamCall.read(resp, deadlines, b -> new EmbeddingReply.Canonical(embeddings(Json.parse(b)), passBack));
                    }
                    return UpstreamCall.read(resp, deadlines, b -> NativeReply.rewrite(b, call.request().model())).map(r -> new EmbeddingReply.Native(
                            r.body(), r.usage(), r.upstreamModel() != null ? r.upstreamModel() : d.upstreamModel(), passBack));
                });
    }

    /** A client of another format (a Gemini {@code embedContent}): its texts as an OpenAI embeddings request. */
    private static ObjectNode embeddingBody(EmbeddingRequest request) {
        ObjectNode body = Json.object();
        var input = body.putArray("input");
        request.inputs().forEach(input::add);
        if (request.dimensions() != null) body.put("dimensions", request.dimensions());
        body.put("encoding_format", "float");
        return body;
    }

    /** An OpenAI embeddings answer as vectors in input order (the {@code index} of each item), with its usage. */
    static EmbeddingResponse embeddings(JsonNode reply) throws java.io.IOException {
        JsonNode data = reply.get("data");
        if (data == null || !data.isArray()) throw new java.io.IOException("no 'data' list in the embeddings answer");
        float[][] vectors = new float[data.size()][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode values = item.get("embedding");
            if (index < 0 || index >= vectors.length || values == null || !values.isArray()) {
                throw new java.io.IOException("malformed item in the embeddings answer");
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) values.get(i).asDouble();
            vectors[index] = v;
        }
        for (float[] v : vectors) if (v == null) throw new java.io.IOException("an input has no vector in the embeddings answer");
        Usage usage = Usage.of(reply.path("usage").path("prompt_tokens").asLong(), 0);
        return new EmbeddingResponse(java.util.List.of(vectors), usage);
    }

    /**
     * The body canonical mode sends: the request encoded as an OpenAI client would have sent it,
     * then the managed fields set exactly as in native mode.
     *
     * @throws GatewayError {@code unsupported_parameter} when the preset refuses a field the
     *                      request sets and the policy is to reject
     */
    public ObjectNode upstreamBody(ChatRequest request, String upstreamModel, boolean rejectUnsupported) {
        return managed(OpenAiRequestEncoder.encode(request), upstreamModel, request.stream(), rejectUnsupported);
    }

    /** A shallow copy of the client's body with the managed fields set for this deployment. */
    ObjectNode rewrite(ObjectNode client, Deployment d, boolean stream, boolean rejectUnsupported) {
        ObjectNode body = Json.shallowCopy(client);
        return managed(body, d.upstreamModel(), stream, rejectUnsupported);
    }

    /**
     * Sets the fields the gateway manages, in place: {@code model}; {@code stream_options} with
     * usage asked for where the server takes it (and removed where it does not); the preset's
     * refused fields dropped or refused; its renamed fields renamed.
     */
    private ObjectNode managed(ObjectNode body, String upstreamModel, boolean stream, boolean rejectUnsupported) {
        body.put("model", upstreamModel);
        if (stream) {
            ObjectNode options = body.objectNode();
            JsonNode given = body.get("stream_options");
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

    private Future<HttpClientResponse> send(dev.switchboard.transport.OutboundConnector connector, Deployment d, String path,
                                                   ObjectNode body, MultiMap client, String requestId, boolean stream,
                                                   CallDeadlines deadlines, Cancellation cancellation) {
        MultiMap headers = io.vertx.core.http.HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? Headers.TEXT_EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        if (d.apiKey() != null) {
            if (preset.authHeader() == null) headers.set(Headers.AUTHORIZATION, d.bearer());
            else headers.set(preset.authHeader(), d.apiKey());
        }
        headers.set(Headers.X_REQUEST_ID, requestId);
        UpstreamHeaders.addVendor(headers, client, "openai-");
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        return UpstreamCall.post(connector, d, path, headers, body, deadlines, cancellation, UpstreamErrors::classify);
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
}
