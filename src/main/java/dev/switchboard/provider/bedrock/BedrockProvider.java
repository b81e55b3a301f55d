package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
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
import dev.switchboard.provider.TranslatedSource;
import dev.switchboard.provider.UpstreamCall;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.DirectRoutes;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.CallDeadlines;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.UriEncoding;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The Amazon Bedrock Runtime adapter, through the Converse API: {@code POST /model/{modelId}/converse}
 * for JSON and {@code /converse-stream} for an AWS event stream ({@link EventStreamSource}).
 * Canonical mode only — no client speaks Converse — so every request is encoded by
 * {@link BedrockRequestEncoder} and every answer decoded by {@link BedrockResponseDecoder} or
 * {@link BedrockStreamDecoder}.
 *
 * <p>Endpoint and credentials ({@link #servable}): Bedrock has no single base URL. The region
 * ({@code credentials.region}, else {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}) gives
 * {@code https://bedrock-runtime.{region}.amazonaws.com}; a deployment {@code baseUrl} (or
 * {@code BEDROCK_BASE_URL}) overrides the host, never the signing region. The keys are the
 * deployment's {@code accessKeyId}, {@code secretAccessKey} and {@code sessionToken}, else
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} (a session
 * token is taken from the environment only with the environment's key). They are resolved once
 * per config snapshot into the deployment's credentials.
 *
 * <p>Each request is signed with {@link SigV4} (service {@code bedrock}) over {@code content-type},
 * {@code host}, {@code x-amz-date} and, with a session token, {@code x-amz-security-token}. The
 * model id is URI-encoded as one path segment ({@code :} → {@code %3A}), and encoded again in the
 * canonical URI, as AWS does for every service but S3.
 */
public final class BedrockProvider implements Provider {

    public static final String ID = "bedrock";
    static final String SERVICE = "bedrock";
    //                                                               chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, false, false, false, true);
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint(null, "AWS_ACCESS_KEY_ID", "BEDROCK_BASE_URL", true, false,
            List.of());
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    static final String DEFAULT_REGION = "us-east-1";

    private final Clock clock;

    public BedrockProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.BEDROCK_CONVERSE;
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
    public Deployment servable(DeploymentSpec spec, Function<String, String> env, Timeouts timeouts) {
        SigV4.Credentials c = credentials(spec, env);
        String base = spec.baseUrl();
        if (base == null) base = blankToNull(env.apply(ENDPOINT.baseUrlEnv()));
        if (base == null) base = "https://bedrock-runtime." + c.region() + ".amazonaws.com";
        Map<String, String> creds = new HashMap<>(spec.credentials());
        creds.put("accessKeyId", c.accessKeyId());
        creds.put("secretAccessKey", c.secretAccessKey());
        creds.put("region", c.region());
        if (c.sessionToken() != null) creds.put("sessionToken", c.sessionToken());
        DeploymentSpec resolved = new DeploymentSpec(spec.id(), spec.publicModel(), spec.provider(), spec.upstreamModel(), creds, base,
                spec.apiVersion(), spec.weight(), spec.rpmLimit(), spec.tpmLimit(), spec.maxConcurrency(), spec.pricing(), spec.timeouts(),
                spec.extraHeaders(), spec.enabled(), spec.source());
        URI uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        return new Deployment(resolved, this, uri, c.accessKeyId(), timeouts);
    }

    /** The deployment's AWS credentials, completed from the environment; a missing part names its field. */
    static SigV4.Credentials credentials(DeploymentSpec spec, Function<String, String> env) {
        String keyId = blankToNull(spec.credential("accessKeyId"));
        boolean fromEnv = keyId == null;
        if (fromEnv) keyId = blankToNull(env.apply("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(spec.credential("secretAccessKey"));
        if (secret == null && fromEnv) secret = blankToNull(env.apply("AWS_SECRET_ACCESS_KEY"));
        String token = blankToNull(spec.credential("sessionToken"));
        if (token == null && fromEnv) token = blankToNull(env.apply("AWS_SESSION_TOKEN"));
        String region = blankToNull(spec.credential("region"));
        if (region == null) region = blankToNull(env.apply("AWS_REGION"));
        if (region == null) region = blankToNull(env.apply("AWS_DEFAULT_REGION"));
        // direct routing (bedrock/<modelId>) has no deployment to name a region: AWS's own default applies
        if (region == null && DirectRoutes.SOURCE.equals(spec.source())) region = DEFAULT_REGION;
        if (keyId == null) {
            throw new ConfigException("credentials.accessKeyId", "provider 'bedrock' needs an AWS access key id (in the deployment or AWS_ACCESS_KEY_ID)");
        }
        if (secret == null) {
            throw new ConfigException("credentials.secretAccessKey", "provider 'bedrock' needs an AWS secret access key"
                    + (fromEnv ? " (AWS_SECRET_ACCESS_KEY)" : " with the deployment's accessKeyId"));
        }
        if (region == null) {
            throw new ConfigException("credentials.region", "provider 'bedrock' needs a region (in the deployment, AWS_REGION or AWS_DEFAULT_REGION)");
        }
        return new SigV4.Credentials(keyId, secret, token, region);
    }

    /** The path of a Converse call: the model id as one URI-encoded segment. */
    static String path(String modelId, boolean stream) {
        return "/model/" + UriEncoding.segment(modelId) + (stream ? "/converse-stream" : "/converse");
    }

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        Deployment d = call.deployment();
        boolean stream = call.request().stream();
        ObjectNode body;
        try {
            body = BedrockRequestEncoder.encode(call.request(), d.upstreamModel(), call.rejectUnsupported());
        } catch (GatewayError e) {
            return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
        }
        SigV4.Credentials c = new SigV4.Credentials(d.spec().credential("accessKeyId"), d.spec().credential("secretAccessKey"),
                d.spec().credential("sessionToken"), d.spec().credential("region"));
        if (c.accessKeyId() == null || c.secretAccessKey() == null || c.region() == null) {
            return Future.failedFuture(new UpstreamException(FailureClass.CONFIGURATION, GatewayError.of(ErrorKind.UPSTREAM_ERROR,
                    "This deployment has no AWS credentials."), 0, "bedrock deployment without resolved credentials"));
        }
        String jsonTool = BedrockRequestEncoder.answersThroughTool(call.request(), d.upstreamModel()) ? JsonAnswerTool.NAME : null;
        String path = path(d.upstreamModel(), stream);
        byte[] payload = Json.buffer(body).getBytes();
        MultiMap headers = HttpHeaders.headers();
        headers.set(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        headers.set(Headers.ACCEPT, stream ? EVENT_STREAM : Headers.APPLICATION_JSON);
        headers.set(Headers.USER_AGENT, Headers.SWITCHBOARD);
        headers.set(Headers.X_REQUEST_ID, call.requestId());
        UpstreamHeaders.addExtra(headers, d.extraHeaders());
        Map<String, String> toSign = new LinkedHashMap<>();
        toSign.put("content-type", Headers.APPLICATION_JSON.toString());
        toSign.put("host", host(d.baseUrl()));
        String rawPath = (d.baseUrl().getRawPath() == null ? "" : d.baseUrl().getRawPath()) + path;
        SigV4.sign("POST", rawPath, d.baseUrl().getRawQuery(), toSign, payload, c, SERVICE, clock.instant()).forEach(headers::set);
        CallDeadlines deadlines = new CallDeadlines(call.vertx(), d.timeouts(), stream);
        return UpstreamCall.post(call.connector(), d, path, headers, body, deadlines, call.cancellation(), BedrockErrors::classify)
                .compose(resp -> {
                    MultiMap passBack = UpstreamHeaders.passBack(resp.headers());
                    String id = responseId(resp);
                    if (stream) {
                        BedrockStreamDecoder decoder = new BedrockStreamDecoder(id, d.upstreamModel(), clock.instant().getEpochSecond(), jsonTool);
                        return Future.succeededFuture(new ChatReply.CanonicalStream(
                                new TranslatedSource<>(new EventStreamSource(resp, deadlines), decoder), passBack));
                    }
                    return UpstreamCall.read(resp, deadlines, bytes -> {
                        JsonNode reply = Json.parse(bytes);
                        if (!reply.isObject()) throw new IOException("not a JSON object");
                        return reply;
                    }).compose(reply -> {
                        try {
                            return Future.succeededFuture(new ChatReply.CanonicalJson(
                                    BedrockResponseDecoder.decode(reply, id, d.upstreamModel(), clock, jsonTool), passBack));
                        } catch (IOException | RuntimeException e) {
                            return Future.failedFuture(UpstreamErrors.transport(new IOException("unreadable reply: " + e.getMessage())));
                        }
                    });
                });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                "Provider bedrock does not serve embeddings through this gateway.", "model", -1, false), 0, "bedrock embeddings"));
    }

    /** The Host header as the HTTP client sends it: the port only when it is not the scheme's default. */
    static String host(URI base) {
        int port = base.getPort();
        boolean secure = "https".equalsIgnoreCase(base.getScheme());
        return port < 0 || port == (secure ? 443 : 80) ? base.getHost() : base.getHost() + ":" + port;
    }

    private static String responseId(HttpClientResponse resp) {
        String rid = resp.getHeader("x-amzn-requestid");
        return "bedrock-" + (rid != null && !rid.isBlank() ? rid : UUID.randomUUID().toString());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
