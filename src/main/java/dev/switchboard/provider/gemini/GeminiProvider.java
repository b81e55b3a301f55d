package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
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
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.OutboundConnector;
import dev.switchboard.transport.UriEncoding;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The Google Gemini API adapter ({@code generativelanguage.googleapis.com}). The base URL is the
 * host root, as Google's SDKs take it; the adapter adds {@code /v1beta/models/{upstreamModel}:…}
 * (an upstream model already written {@code models/…} or {@code tunedModels/…} is used as is).
 * It authenticates with {@code x-goog-api-key}, never with a {@code key=} query, so the key stays
 * out of URLs and logs.
 *
 * <p>Native mode (the client spoke Gemini): the client's body is forwarded untouched — the model
 * is in the URL, and Gemini's body has no field the gateway manages. The reply is read once to
 * take its usage and to set {@code modelVersion} to the client's model name; stream chunks get the
 * same rewrite. Canonical mode: {@link GeminiRequestEncoder} out, {@link GeminiResponseDecoder}
 * and {@link GeminiStreamDecoder} back. Streams always use {@code :streamGenerateContent?alt=sse};
 * a Gemini stream has no {@code [DONE]}, so it is complete once a candidate finished.
 *
 * <p>Embeddings: native {@code :embedContent} or {@code :batchEmbedContents}, as the client called; canonical (an OpenAI client) through
 * {@code :batchEmbedContents}, one request per input, at most {@value #MAX_BATCH} a batch (more go as
 * batches in turn). Gemini reports no embedding usage, so it is estimated (four characters a token)
 * and marked so.
 */
public final class GeminiProvider implements Provider {

    public static final String ID = "gemini";
    //                                                               chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, true, false, true);
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint("https://generativelanguage.googleapis.com",
            "GEMINI_API_KEY", "GEMINI_BASE_URL", true, false, List.of("gemini-"));
    private static final CharSequence API_KEY = HttpHeaders.createOptimized("x-goog-api-key");

    /**
     * Where a Gemini-format call goes and how it is authorized: Google's Gemini API ({@link #API}),
     * or another host that speaks the same body under its own paths and auth (Vertex AI).
     */
    public interface Route {
        /** The path of a model method: {@code generateContent}, {@code streamGenerateContent?alt=sse}, … */
        String path(Deployment d, String method);

        /** Puts the call's credentials on the upstream request's headers. */
        void authorize(Deployment d, MultiMap headers);
    }

    /** The Gemini API: {@code /v1beta/models/{model}:method}, the key in {@code x-goog-api-key}. */
    static final Route API = new Route() {
        @Override
        public String path(Deployment d, String method) {
            return GeminiProvider.path(d.upstreamModel(), method);
        }

        @Override
        public void authorize(Deployment d, MultiMap headers) {
            if (d.apiKey() != null) headers.set(API_KEY, d.apiKey());
        }
    };

    private final Clock clock;

    public GeminiProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.GEMINI;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ProviderEndpoint endpoint() {
        return ENDPOINT;
    }

    /**
     * The path of a model method: {@code /v1beta/models/gemini-2.0-flash:generateContent}. A model
     * written {@code models/…} or {@code tunedModels/…} keeps its collection; the id itself is one
     * encoded path segment, so a client's model name (direct routing) cannot reach another path.
     */
    static String path(String upstreamModel, String method) {
        String collection = "models/";
        String id = upstreamModel;
        for (String c : COLLECTIONS) {
            if (upstreamModel.startsWith(c)) {
                collection = c;
                id = upstreamModel.substring(c.length());
            }
        }
        return "/v1beta/" + collection + UriEncoding.segment(id) + ":" + method;
    }

    private static final List<String> COLLECTIONS = List.of("models/", "tunedModels/");

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        return chat(call, API);
    }

    /** A chat call in Gemini's format sent by {@code route}: the Gemini API, or Vertex AI for its Gemini models. */
    public Future<ChatReply> chat(ChatCall call, Route route) {
        Deployment d = call.deployment();
        boolean stream = call.request().stream();
        boolean nativeMode = call.nativeBody() != null;
        ObjectNode body;
        try {
            body = nativeMode ? call.nativeBody() : GeminiRequestEncoder.encode(call.request(), call.rejectUnsupported());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        String clientModel = call.request().model();
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        String path = route.path(d, stream ? "streamGenerateContent?alt=sse" : "generateContent");
        return send(call.connector(), d, route, path, body, call.requestId(), stream, deadlines, call.cancellation()).compose(resp -> {
            MultiMap passBack = UpstreamHeaders.passBack(resp.headers());
            if (stream) {
                SseJsonSource sse = new SseJsonSource(resp, deadlines, GeminiStreamDecoder::isFinal);
                return Future.succeededFuture(nativeMode
                        ? new ChatReply.NativeStream(GeminiSources.nativeChunks(sse, clientModel), passBack)
                        : new ChatReply.CanonicalStream(GeminiSources.canonical(sse, new GeminiStreamDecoder(d.upstreamModel(), clock)), passBack));
            }
            return json(resp, deadlines).compose(reply -> {
                if (!nativeMode) {
                    try {
                        return Future.succeededFuture(new ChatReply.CanonicalJson(GeminiResponseDecoder.decode(reply, d.upstreamModel(), clock), passBack));
                    } catch (GatewayError e) {
                        // a reply the decoder cannot read is the provider's failure, not the client's request
                        return Future.failedFuture(UpstreamErrors.transport(new IOException("unreadable reply: " + e.getMessage())));
                    }
                }
                String upstreamModel = GeminiWire.text(reply, "modelVersion");
                if (reply instanceof ObjectNode o) o.put("modelVersion", clientModel);
                return Future.succeededFuture(new ChatReply.NativeJson(Json.buffer(reply), GeminiWire.usage(GeminiWire.field(reply, "usageMetadata")),
                        upstreamModel != null ? upstreamModel : d.upstreamModel(), passBack));
            });
        });
    }

    /** The most requests Google takes in one {@code :batchEmbedContents}. */
    static final int MAX_BATCH = 100;

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        Deployment d = call.deployment();
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        String model = d.upstreamModel().contains("/") ? d.upstreamModel() : "models/" + d.upstreamModel();
        if (call.nativeBody() != null) {
            ObjectNode body = call.nativeBody().deepCopy();
            // the resource names are the upstream's
            if (body.has("model")) body.put("model", model);
            boolean batch = body.get("requests") instanceof ArrayNode;
            if (batch) {
                for (JsonNode r : body.get("requests")) if (r instanceof ObjectNode o && o.has("model")) o.put("model", model);
            }
            return send(call.connector(), d, API, path(d.upstreamModel(), batch ? "batchEmbedContents" : "embedContent"), body,
                    call.requestId(), false, deadlines, call.cancellation())
                    .compose(resp -> json(resp, deadlines).map(reply -> new EmbeddingReply.Native(Json.buffer(reply),
                            embeddingUsage(reply, call.request().inputs()), d.upstreamModel(), UpstreamHeaders.passBack(resp.headers()))));
        }
        // Google takes at most 100 requests a batch: more are sent as several batches, one after another
        List<String> inputs = call.request().inputs();
        return embedBatches(call, model, inputs, 0, new ArrayList<>(inputs.size()), Usage.ZERO, null);
    }

    /** The batches from input {@code from} on, each answered before the next is sent; the vectors in input order. */
    private Future<EmbeddingReply> embedBatches(EmbeddingCall call, String model, List<String> inputs, int from, List<float[]> vectors,
                                                Usage usage, MultiMap passBack) {
        if (from >= inputs.size()) return Future.succeededFuture(new EmbeddingReply.Canonical(new EmbeddingResponse(vectors, usage), passBack));
        Deployment d = call.deployment();
        List<String> batch = inputs.subList(from, Math.min(inputs.size(), from + MAX_BATCH));
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        for (String input : batch) {
            ObjectNode r = requests.addObject().put("model", model);
            r.putObject("content").putArray("parts").addObject().put("text", input);
            if (call.request().dimensions() != null) r.put("outputDimensionality", call.request().dimensions());
        }
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        return send(call.connector(), d, API, path(d.upstreamModel(), "batchEmbedContents"), body, call.requestId(), false, deadlines,
                call.cancellation())
                .compose(resp -> json(resp, deadlines).compose(reply -> {
                    int before = vectors.size();
                    for (JsonNode e : GeminiWire.items(GeminiWire.field(reply, "embeddings"))) vectors.add(floats(GeminiWire.field(e, "values")));
                    if (vectors.size() - before != batch.size()) {
                        return Future.failedFuture(UpstreamErrors.transport(new IOException(
                                "the provider answered " + (vectors.size() - before) + " embeddings for " + batch.size() + " inputs")));
                    }
                    Usage u = embeddingUsage(reply, batch);
                    Usage sum = new Usage(usage.inputTokens() + u.inputTokens(), 0, 0, 0, 0, usage.estimated() || u.estimated());
                    return embedBatches(call, model, inputs, from + batch.size(), vectors, sum, UpstreamHeaders.passBack(resp.headers()));
                }));
    }

    /**
     * Gemini's own count ({@code :countTokens}). Native: the client's countTokens body as is, but
     * a {@code generateContentRequest.model} names the upstream model. Canonical: the request
     * encoded as a {@code generateContentRequest}.
     */
    @Override
    public Future<Long> countTokens(ChatCall call) {
        Deployment d = call.deployment();
        String model = d.upstreamModel().contains("/") ? d.upstreamModel() : "models/" + d.upstreamModel();
        ObjectNode body;
        if (call.nativeBody() != null) {
            body = call.nativeBody().deepCopy();
            JsonNode inner = GeminiWire.field(body, "generateContentRequest");
            if (inner instanceof ObjectNode o) o.put("model", model);
        } else {
            ObjectNode inner;
            try {
                inner = GeminiRequestEncoder.encode(call.request(), false);
            } catch (GatewayError e) {
                return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
            }
            inner.put("model", model);
            body = Json.object();
            body.set("generateContentRequest", inner);
        }
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        return send(call.connector(), d, API, path(d.upstreamModel(), "countTokens"), body, call.requestId(), false, deadlines, call.cancellation())
                .compose(resp -> json(resp, deadlines))
                .map(reply -> {
                    JsonNode total = GeminiWire.field(reply, "totalTokens");
                    return total != null && total.canConvertToLong() ? total.asLong() : 0L;
                });
    }

    private static Usage embeddingUsage(JsonNode reply, List<String> inputs) {
        Usage reported = GeminiWire.usage(GeminiWire.field(reply, "usageMetadata"));
        if (reported != null) return reported;
        long chars = 0;
        for (String s : inputs) chars += s.length();
        return new Usage((chars + 3) / 4, 0, 0, 0, 0, true);
    }

    private static float[] floats(JsonNode values) {
        List<JsonNode> items = GeminiWire.items(values);
        float[] v = new float[items.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) items.get(i).asDouble();
        return v;
    }

    private static Future<HttpClientResponse> send(OutboundConnector connector, Deployment d, Route route, String path, ObjectNode body,
                                                   String requestId, boolean stream, CallDeadlines deadlines, Cancellation cancellation) {
        MultiMap headers = HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? Headers.TEXT_EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        route.authorize(d, headers);
        headers.set(Headers.X_REQUEST_ID, requestId);
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        return UpstreamCall.post(connector, d, path, headers, body, deadlines, cancellation, GeminiErrors::classify);
    }

    /** The whole reply as a JSON tree. */
    private static Future<JsonNode> json(HttpClientResponse resp, CallDeadlines deadlines) {
        return UpstreamCall.read(resp, deadlines, bytes -> {
            JsonNode reply = Json.parse(bytes);
            if (!reply.isObject()) throw new IOException("not a JSON object");
            return reply;
        });
    }
}
