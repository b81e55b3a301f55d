package dev.switchboard.provider.vertex;

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
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.anthropic.AnthropicProvider;
import dev.switchboard.provider.gemini.GeminiProvider;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.UriEncoding;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Google Vertex AI, which serves Google's Gemini models and Anthropic's Claude models under one
 * project and location. The bodies are those of the two native APIs, so this adapter only says
 * where a call goes and how it is authorized, and hands it to the {@link GeminiProvider} or
 * {@link AnthropicProvider} codecs:
 * <ul>
 *   <li>Gemini models: {@code /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent}
 *       and {@code :streamGenerateContent?alt=sse}, the Gemini body.</li>
 *   <li>Claude models (an upstream model starting {@code claude}):
 *       {@code …/publishers/anthropic/models/{m}:rawPredict} and {@code :streamRawPredict}, the
 *       Messages body without {@code model} (it is in the path) and with
 *       {@code anthropic_version: vertex-2023-10-16}.</li>
 * </ul>
 * A deployment's wire format is therefore its model's ({@link #wireFormat(Deployment)}): a Gemini
 * client reaching a Gemini model, or an Anthropic client reaching Claude, is served natively.
 *
 * <p>Auth: {@code Authorization: Bearer} with an OAuth access token of the deployment's service
 * account, got by the JWT-bearer grant ({@link TokenExchange}) and cached per account by
 * {@link AccessTokens} until shortly before it expires. A token the provider answers 401 to is
 * dropped, so the next attempt gets a fresh one.
 *
 * <p>Base URL: {@code https://{location}-aiplatform.googleapis.com} ({@code global}:
 * {@code https://aiplatform.googleapis.com}); a deployment's {@code baseUrl} overrides it.
 */
public final class VertexProvider implements Provider {

    public static final String ID = "vertex";
    public static final String ANTHROPIC_VERSION = "vertex-2023-10-16";
    //                                                               chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, false, false, true);
    // no environment variable enables Vertex: a deployment names its project, location and service account
    private static final ProviderEndpoint ENDPOINT = new ProviderEndpoint(null, null, null, true, false, List.of());
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Clock clock;
    private final AccessTokens tokens;
    private final GeminiProvider gemini;
    private final AnthropicProvider anthropic;

    public VertexProvider(Clock clock) {
        this.clock = clock;
        this.tokens = new AccessTokens(clock);
        this.gemini = new GeminiProvider(clock);
        this.anthropic = new AnthropicProvider(clock);
    }

    @Override
    public String id() {
        return ID;
    }

    /** The format of most of its models; a deployment's own is {@link #wireFormat(Deployment)}. */
    @Override
    public WireFormat wireFormat() {
        return WireFormat.GEMINI;
    }

    @Override
    public WireFormat wireFormat(Deployment d) {
        return claude(d.upstreamModel()) ? WireFormat.ANTHROPIC_MESSAGES : WireFormat.GEMINI;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ProviderEndpoint endpoint() {
        return ENDPOINT;
    }

    static boolean claude(String upstreamModel) {
        return upstreamModel.startsWith("claude");
    }

    /** Checks the service account, project and location; a problem names the credential's field. */
    @Override
    public Deployment servable(DeploymentSpec spec, Function<String, String> env, Timeouts timeouts) {
        try {
            ServiceAccount.parse(spec.credential("serviceAccountJson"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("credentials.serviceAccountJson", "provider 'vertex' needs a service account key file: "
                    + "credentials.serviceAccountJson " + e.getMessage());
        }
        String project = spec.credential("project");
        if (project == null || project.isBlank()) {
            throw new ConfigException("credentials.project", "provider 'vertex' needs the Google Cloud project id");
        }
        if (!SEGMENT.matcher(project).matches()) throw new ConfigException("credentials.project", "'" + project + "' is not a project id");
        String location = spec.credential("location");
        if (location == null || location.isBlank()) {
            throw new ConfigException("credentials.location", "provider 'vertex' needs a location (a region such as us-central1, or global)");
        }
        if (!SEGMENT.matcher(location).matches()) throw new ConfigException("credentials.location", "'" + location + "' is not a location");
        String base = spec.baseUrl() != null ? spec.baseUrl() : defaultBaseUrl(location);
        try {
            return new Deployment(spec, this, URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base), null, timeouts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("baseUrl", "'" + base + "' is not a URL");
        }
    }

    static String defaultBaseUrl(String location) {
        return "global".equals(location) ? "https://aiplatform.googleapis.com" : "https://" + location + "-aiplatform.googleapis.com";
    }

    /** {@code /v1/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}:{method}}. */
    static String path(Deployment d, String publisher, String method) {
        return "/v1/projects/" + UriEncoding.segment(d.spec().credential("project")) + "/locations/"
                + UriEncoding.segment(d.spec().credential("location")) + "/publishers/" + publisher + "/models/"
                + UriEncoding.segment(d.upstreamModel()) + ":" + method;
    }

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        Deployment d = call.deployment();
        String account = d.spec().credential("serviceAccountJson");
        return token(call).compose(token -> {
            Future<ChatReply> reply = claude(d.upstreamModel()) ? anthropic.chat(call, new ClaudeRoute(token))
                    : gemini.chat(call, new GeminiRoute(token));
            return reply.onFailure(t -> {
                if (t instanceof UpstreamException u && u.upstreamStatus() == 401) tokens.invalidate(account, token);
            });
        });
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, new GatewayError(ErrorKind.INVALID_REQUEST,
                "Provider vertex does not serve embeddings through this gateway.", "model", -1, false), 0, "vertex embeddings"));
    }

    /** The deployment's access token, on the caller's own context (a shared token request may complete on another event loop). */
    private Future<String> token(ChatCall call) {
        Deployment d = call.deployment();
        String account = d.spec().credential("serviceAccountJson");
        if (account == null) {
            return Future.failedFuture(TokenExchange.refused(0, "vertex deployment " + d.id() + " without a service account"));
        }
        Context here = call.vertx().getOrCreateContext();
        Future<String> shared = tokens.token(account, () -> {
            ServiceAccount sa;
            try {
                sa = ServiceAccount.parse(account);
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(TokenExchange.refused(0, "serviceAccountJson " + e.getMessage()));
            }
            return TokenExchange.exchange(call.vertx(), call.connector(), sa, clock.instant(), d.timeouts());
        });
        if (shared.isComplete()) return shared;
        Promise<String> mine = Promise.promise();
        shared.onComplete(ar -> here.runOnContext(v -> mine.handle(ar)));
        return mine.future();
    }

    /** Gemini models: the publisher {@code google} path, the Gemini body as it is. */
    private record GeminiRoute(String token) implements GeminiProvider.Route {
        @Override
        public String path(Deployment d, String method) {
            return VertexProvider.path(d, "google", method);
        }

        @Override
        public void authorize(Deployment d, MultiMap headers) {
            headers.set(Headers.AUTHORIZATION, "Bearer " + token);
        }
    }

    /** Claude models: the publisher {@code anthropic} path; the version in the body, not a header; the client's {@code anthropic-beta} kept. */
    private record ClaudeRoute(String token) implements AnthropicProvider.Route {
        @Override
        public String path(Deployment d, boolean stream) {
            return VertexProvider.path(d, "anthropic", stream ? "streamRawPredict" : "rawPredict");
        }

        @Override
        public ObjectNode body(ObjectNode messages) {
            messages.remove("model");
            if (!messages.has("anthropic_version")) messages.put("anthropic_version", ANTHROPIC_VERSION);
            return messages;
        }

        @Override
        public void authorize(Deployment d, MultiMap client, MultiMap headers) {
            headers.set(Headers.AUTHORIZATION, "Bearer " + token);
            UpstreamHeaders.addVendor(headers, client, "anthropic-beta");
        }
    }
}
