package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.openai.NativeReply;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * The Anthropic Messages adapter: {@code POST {baseUrl}/v1/messages}, where {@code baseUrl} is the
 * host root ({@code https://api.anthropic.com}), as Anthropic's SDKs take it. Headers: the
 * deployment's key as {@code x-api-key}, {@code anthropic-version} (the client's when it sent
 * one, else {@value #API_VERSION}), the client's {@code anthropic-beta}, {@code x-request-id} and
 * the deployment's extra headers — never the client's own credentials.
 *
 * <p><b>Native mode</b> (the client spoke Anthropic Messages, {@code nativeBody} is given): the
 * body goes upstream with only {@code model} set to the deployment's upstream model. The reply
 * is, for JSON, a {@link ChatReply.NativeJson} whose top-level {@code model} is the client's name
 * and whose usage is read ({@link AnthropicUsage}); for a stream, a {@link ChatReply.NativeStream}
 * of the upstream's event objects in upstream order, each carrying its event name in
 * {@code type} — an Anthropic-format ingress must write an {@code event: <type>} line before each
 * {@code data:} line. In that stream {@code message_start.message.model} is already the client's
 * name, upstream {@code ping}s are dropped (the ingress sends its own keep-alives), an upstream
 * {@code error} event ends it through {@code onError} (the ingress writes its own
 * {@code event: error}), and usage is in {@code message_start} and {@code message_delta}
 * ({@link AnthropicUsage.Stream} reads it).
 *
 * <p><b>Canonical mode</b> (any other client format): {@link AnthropicRequestEncoder} builds the
 * request; {@link AnthropicResponseDecoder} and {@link AnthropicStreamDecoder} read the answer.
 * Failures are classified by {@link AnthropicErrors}.
 */
public final class AnthropicProvider implements Provider {

    public static final String API_VERSION = "2023-06-01";
    static final String PATH = "/v1/messages";
    static final String COUNT_PATH = "/v1/messages/count_tokens";

    //                                                               chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, false, false, true);
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint("https://api.anthropic.com", "ANTHROPIC_API_KEY",
            "ANTHROPIC_BASE_URL", true, false, List.of("claude-"));
    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence ANTHROPIC_VERSION = HttpHeaders.createOptimized("anthropic-version");

    /**
     * Where a Messages call goes and how it is authorized: Anthropic's API ({@link #API}), or
     * another host serving Claude with the Messages body under its own paths and auth (Vertex AI).
     */
    public interface Route {
        /** The path of a Messages call, JSON or streamed. */
        String path(Deployment d, boolean stream);

        /** The Messages body as this host takes it (the model named in it, or in the path instead). */
        ObjectNode body(ObjectNode messages);

        /** Puts the call's credentials and version headers on the upstream request, with the client's forwardable ones. */
        void authorize(Deployment d, MultiMap client, MultiMap headers);
    }

    /** Anthropic's API: {@code /v1/messages}, {@code x-api-key}, {@code anthropic-version} (the client's, else ours). */
    static final Route API = new Route() {
        @Override
        public String path(Deployment d, boolean stream) {
            return PATH;
        }

        @Override
        public ObjectNode body(ObjectNode messages) {
            return messages;
        }

        @Override
        public void authorize(Deployment d, MultiMap client, MultiMap headers) {
            if (d.apiKey() != null) headers.set(X_API_KEY, d.apiKey());
            UpstreamHeaders.addVendor(headers, client, "anthropic-");
            if (!headers.contains(ANTHROPIC_VERSION)) headers.set(ANTHROPIC_VERSION, API_VERSION);
        }
    };

    private final Clock clock;

    public AnthropicProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return "anthropic";
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.ANTHROPIC_MESSAGES;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ProviderEndpoint endpoint() {
        return ENDPOINT;
    }

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        return chat(call, API);
    }

    /** A chat call in the Messages format sent by {@code route}: Anthropic's API, or Vertex AI for Claude. */
    public Future<ChatReply> chat(ChatCall call, Route route) {
        Deployment d = call.deployment();
        boolean stream = call.request().stream();
        boolean nativeMode = call.nativeBody() != null;
        String publicModel = call.request().model();
        String jsonTool = !nativeMode && AnthropicRequestEncoder.answersThroughTool(call.request()) ? JsonAnswerTool.NAME : null;
        ObjectNode body;
        try {
            body = nativeMode ? nativeBody(call.nativeBody(), d.upstreamModel())
                    : new AnthropicRequestEncoder(d.upstreamModel(), call.rejectUnsupported()).encode(call.request());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        return UpstreamCall.post(call.connector(), d, route.path(d, stream), headers(d, route, call.clientHeaders(), call.requestId(), stream),
                        route.body(body), deadlines, call.cancellation(), AnthropicErrors::classify)
                .compose(resp -> {
                    MultiMap passBack = UpstreamHeaders.passBack(resp.headers());
                    if (stream) {
                        AnthropicEventSource events = new AnthropicEventSource(resp, deadlines, nativeMode ? publicModel : null);
                        return Future.succeededFuture(nativeMode ? new ChatReply.NativeStream(events, passBack)
                                : new ChatReply.CanonicalStream(new TranslatedSource<>(events,
                                        new AnthropicStreamDecoder(clock.instant().getEpochSecond(), jsonTool)), passBack));
                    }
                    return UpstreamCall.read(resp, deadlines, bytes -> {
                        if (nativeMode) {
                            NativeReply.Rewritten r = NativeReply.rewrite(bytes, publicModel, AnthropicUsage::of);
                            return new ChatReply.NativeJson(r.body(), r.usage(),
                                    r.upstreamModel() != null ? r.upstreamModel() : d.upstreamModel(), passBack);
                        }
                        return new ChatReply.CanonicalJson(AnthropicResponseDecoder.decode(Json.parse(bytes), clock.instant().getEpochSecond(), jsonTool),
                                passBack);
                    });
                });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                "Provider anthropic does not serve embeddings.", "model", -1, false), 0, "no embeddings at anthropic"));
    }

    /** A shallow copy of the client's body with {@code model} set to the upstream model, and nothing else changed. */
    static ObjectNode nativeBody(ObjectNode client, String upstreamModel) {
        ObjectNode body = Json.shallowCopy(client);
        body.put("model", upstreamModel);
        return body;
    }

    /** The headers of one upstream request (package-visible for tests). */
    static MultiMap headers(Deployment d, Route route, MultiMap client, String requestId, boolean stream) {
        MultiMap headers = HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? Headers.TEXT_EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        route.authorize(d, client, headers);
        headers.set(Headers.X_REQUEST_ID, requestId);
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        return headers;
    }

    /**
     * Anthropic's own count ({@code POST /v1/messages/count_tokens}): the client's body when it
     * spoke Messages (with {@code model} set to the upstream model), else the canonical request
     * encoded; the answer's {@code input_tokens}.
     */
    @Override
    public Future<Long> countTokens(ChatCall call) {
        Deployment d = call.deployment();
        ObjectNode body;
        try {
            body = call.nativeBody() != null ? nativeBody(call.nativeBody(), d.upstreamModel())
                    : new AnthropicRequestEncoder(d.upstreamModel(), false).encode(call.request());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        body.remove("max_tokens"); // count_tokens takes the Messages fields but max_tokens
        body.remove("stream");
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), false);
        return UpstreamCall.post(call.connector(), d, COUNT_PATH, headers(d, API, call.clientHeaders(), call.requestId(), false), body,
                        deadlines, call.cancellation(), AnthropicErrors::classify)
                .compose(resp -> UpstreamCall.read(resp, deadlines, bytes -> {
                    JsonNode n = Json.parse(bytes).path("input_tokens");
                    if (!n.canConvertToLong()) throw new IOException("no input_tokens in the count");
                    return n.asLong();
                }));
    }

}
