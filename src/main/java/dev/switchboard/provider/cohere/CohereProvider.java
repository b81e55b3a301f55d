package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.SseJsonSource;
import dev.switchboard.provider.TranslatedSource;
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
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * The Cohere v2 Chat adapter: {@code POST {baseUrl}/v2/chat}, where {@code baseUrl} is the host
 * root ({@code https://api.cohere.com}), as Cohere's SDKs take it, with the deployment's key as
 * {@code Authorization: Bearer}. No client speaks Cohere, so it works in canonical mode only:
 * {@link CohereRequestEncoder} out, {@link CohereResponseDecoder} and {@link CohereStreamDecoder}
 * back. A Cohere stream is SSE without {@code [DONE]}: it is complete at {@code message-end}.
 *
 * <p>Errors: by status ({@link UpstreamErrors#classify}), plus Cohere's own statuses — 498
 * (invalid token) and 402 (billing) are configuration failures of the deployment — and its
 * "too many tokens" wording, which is a context-length error. Embeddings are not adapted yet.
 */
public final class CohereProvider implements Provider {

    public static final String ID = "cohere";
    static final String PATH = "/v2/chat";

    //                                                               chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, false, false, true);
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint("https://api.cohere.com", "COHERE_API_KEY",
            "COHERE_BASE_URL", true, false, List.of("command-"));

    private final Clock clock;

    public CohereProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.COHERE_CHAT;
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
        Deployment d = call.deployment();
        boolean stream = call.request().stream();
        ObjectNode body;
        try {
            body = new CohereRequestEncoder(d.upstreamModel(), call.rejectUnsupported()).encode(call.request());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        long created = clock.instant().getEpochSecond();
        return UpstreamCall.post(call.connector(), d, PATH, headers(d, call.requestId(), stream), body, deadlines, call.cancellation(),
                        CohereProvider::classify)
                .compose(resp -> {
                    MultiMap passBack = UpstreamHeaders.passBack(resp.headers());
                    if (stream) {
                        SseJsonSource sse = new SseJsonSource(resp, deadlines, CohereStreamDecoder::isFinal);
                        return Future.succeededFuture(new ChatReply.CanonicalStream(
                                new TranslatedSource<>(sse, new CohereStreamDecoder(d.upstreamModel(), created)), passBack));
                    }
                    return UpstreamCall.read(resp, deadlines, bytes -> new ChatReply.CanonicalJson(
                            CohereResponseDecoder.decode(Json.parse(bytes), d.upstreamModel(), created), passBack));
                });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                "Provider cohere does not serve embeddings through this gateway yet.", "model", -1, false), 0, "no embeddings at cohere"));
    }

    /** The headers of one upstream request (package-visible for tests). */
    static MultiMap headers(Deployment d, String requestId, boolean stream) {
        MultiMap headers = HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? Headers.TEXT_EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        if (d.apiKey() != null) headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + d.apiKey());
        headers.set(Headers.X_REQUEST_ID, requestId);
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        return headers;
    }

    /** Cohere's error answers: {@code {"message": …}} with a status; see the class comment. */
    static UpstreamException classify(int status, long retryAfterMs, JsonNode body, String detail) {
        if (status == 498 || status == 402) {
            // a configuration failure, as a 401 is, told with the status Cohere gave
            return new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "The provider refused this deployment's " + (status == 402 ? "billing" : "credentials") + " (HTTP " + status + ")."),
                    status, detail);
        }
        String message = Json.str(body, "message");
        if (status == 400 && message != null && message.toLowerCase(Locale.ROOT).contains("too many tokens")) {
            return new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.CONTEXT_LENGTH_EXCEEDED,
                    "The request exceeds the model's context window.", null, -1, false), status, detail);
        }
        return UpstreamErrors.classify(status, retryAfterMs, body, detail);
    }
}
