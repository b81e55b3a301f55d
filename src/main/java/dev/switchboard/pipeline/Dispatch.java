package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.limit.Quota;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.routing.ModelPool;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.transport.OutboundConnector;
import dev.switchboard.usage.TokenEstimator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Sends a request to a provider: resolves the model to its pool and runs the {@link AttemptLoop}
 * over it, which picks deployments, retries, backs off and falls back. Streams are primed (held
 * until their first event) so a stream that dies before any output is retried too; once primed,
 * the stream owns its attempt until it ends.
 */
public final class Dispatch {

    private final Vertx vertx;
    private final OutboundConnector connector;
    private final DeploymentHealth health;
    private final RandomGenerator random;
    private final Policy policy;

    public Dispatch(Vertx vertx, OutboundConnector connector, DeploymentHealth health, RandomGenerator random, Policy policy) {
        this.policy = policy;
        this.vertx = vertx;
        this.connector = connector;
        this.health = health;
        this.random = random;
    }

    public Future<ChatReply> chat(Exchange ex, ChatRequest asked, ObjectNode nativeBody, WireFormat inbound, MultiMap clientHeaders) {
        return chat(ex, asked, nativeBody, inbound, clientHeaders, () -> null);
    }

    /**
     * @param untranslatable the first parameter of the client's body that has no canonical form (so a
     *                       deployment of another format cannot be given it), or null; asked only under
     *                       the {@code reject} policy, where such a deployment answers 400
     *                       {@code unsupported_parameter}
     */
    public Future<ChatReply> chat(Exchange ex, ChatRequest asked, ObjectNode nativeBody, WireFormat inbound, MultiMap clientHeaders,
                                  Supplier<String> untranslatable) {
        List<Quota> quotas = Policy.quotas(ex);
        ModelPool pool = policy.priced(quotas, ModelRouter.resolve(ex.snapshot(), asked.model(), ex.principal()));
        ChatRequest request = Policy.capMaxTokens(ex, asked, nativeBody, inbound);
        boolean reject = "reject".equals(ex.snapshot().router().unsupportedParameters());
        ex.chatRequest(request);
        AttemptLoop<ChatReply> loop = new AttemptLoop<>(vertx, health, random, ex, pool, p -> policy.priced(quotas, p), request.stream(), (d, lease) -> {
            if (inbound == WireFormat.ANTHROPIC_MESSAGES && d.wireFormat() != inbound && continuesThread(nativeBody)) {
                // only Anthropic keeps message threads; the SDK answers this by sending the whole conversation again
                GatewayError e = GatewayError.of(ErrorKind.THREAD_NOT_FOUND, "Message threads are kept only by Anthropic deployments; provider "
                        + d.provider().id() + " has none. Send the conversation without 'thread'.");
                return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, e.getMessage()));
            }
            String dropped = reject && d.wireFormat() != inbound ? untranslatable.get() : null;
            if (dropped != null) return unsupported(dropped, "Parameter '" + dropped + "' is not supported by provider " + d.provider().id() + ".");
            if (Integer.valueOf(0).equals(request.params().maxTokens()) && d.wireFormat() != WireFormat.ANTHROPIC_MESSAGES
                    && d.wireFormat() != WireFormat.NONE) {
                // Anthropic's max_tokens 0 (prompt-cache warming): every other format wants at least 1
                return unsupported("max_tokens", "max_tokens 0 is supported only by Anthropic deployments; provider "
                        + d.provider().id() + " needs at least 1.");
            }
            ChatCall call = new ChatCall(d, request, d.wireFormat() == inbound ? nativeBody : null, clientHeaders,
                    ex.requestId(), reject, ex.cancellation(), connector, vertx);
            Future<ChatReply> reply = d.provider().chat(call).compose(r -> primed(r, ex, lease, request));
            return d.wireFormat() == inbound ? reply : reply.recover(Dispatch::withoutProviderParam);
        });
        if (quotas.isEmpty()) return loop.run();
        return policy.admit(ex, quotas, pool, () -> TokenEstimator.count(vertx, request), request.params().maxTokens()).compose(v -> loop.run());
    }

    public Future<EmbeddingReply> embed(Exchange ex, EmbeddingRequest request, ObjectNode nativeBody, WireFormat inbound,
                                        MultiMap clientHeaders) {
        List<Quota> quotas = Policy.quotas(ex);
        ModelPool pool = policy.priced(quotas, ModelRouter.resolve(ex.snapshot(), request.model(), ex.principal()));
        AttemptLoop<EmbeddingReply> loop = new AttemptLoop<>(vertx, health, random, ex, pool, p -> policy.priced(quotas, p), false, (d, lease) -> {
            if (request.tokenInput() && d.wireFormat() != inbound && d.wireFormat() != WireFormat.NONE) {
                // token ids mean the client's tokenizer: only its own format (or the in-process simulator) takes them
                return unsupported("input", "Token-array input is not supported by provider " + d.provider().id() + "; send the input as text.");
            }
            return d.provider().embed(new EmbeddingCall(d, request, d.wireFormat() == inbound ? nativeBody : null,
                    clientHeaders, ex.requestId(), ex.cancellation(), connector, vertx));
        });
        if (quotas.isEmpty()) return loop.run();
        // all input: its count is reserved at admission (no output), so concurrent requests hold one another back
        return policy.admit(ex, quotas, pool, () -> TokenEstimator.count(vertx, request), 0).compose(v -> loop.run());
    }

    /**
     * A translated call's refusal by the provider names a field of the provider's format
     * ({@code messages[0].content} for a Responses client's {@code input}): it is not one the
     * client sent, so the client is told no {@code param} rather than a wrong one.
     */
    private static <T> Future<T> withoutProviderParam(Throwable t) {
        if (t instanceof UpstreamException u && u.upstreamStatus() > 0 && u.error().param() != null) {
            return Future.failedFuture(new UpstreamException(u.failureClass(), u.error().withoutParam(), u.upstreamStatus(), u.getMessage()));
        }
        return Future.failedFuture(t);
    }

    /** An Anthropic body that continues a message thread ({@code thread: {type: "continue", …}}). */
    private static boolean continuesThread(ObjectNode body) {
        return body != null && "continue".equals(body.path("thread").path("type").asText());
    }

    /** An attempt refused before any call: 400 {@code unsupported_parameter} naming {@code param}, not retried elsewhere. */
    private static <T> Future<T> unsupported(String param, String message) {
        GatewayError e = new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, message, param, -1, false);
        return Future.failedFuture(new UpstreamException(FailureClass.REQUEST, e, 0, message));
    }

    private Future<ChatReply> primed(ChatReply reply, Exchange ex, DeploymentHealth.Lease lease, ChatRequest request) {
        return switch (reply) {
            case ChatReply.NativeStream s -> PrimedSource.prime(s.chunks(), lease, ex.cancellation(), ex::streamed, ex::outputSeen, null)
                    .map(src -> new ChatReply.NativeStream(src, s.headers()));
            // a provider that reports no usage (an OpenAI-compatible server ignoring include_usage):
            // every format is shown the gateway's estimate, and it is what the usage record holds
            case ChatReply.CanonicalStream s -> PrimedSource.prime(s.events(), lease, ex.cancellation(), ex::streamed, ex::outputSeen,
                            () -> ex.usageReported() ? null : Settle.estimate(vertx, ex, request).map(StreamEvent.UsageReport::new))
                    .map(src -> new ChatReply.CanonicalStream(src, s.headers()));
            // an answer the provider ended in failure is a failed attempt (the attempt loop marks the lease)
            case ChatReply.CanonicalJson j when !j.response().choices().isEmpty()
                    && j.response().choices().stream().allMatch(c -> c.finishReason() == FinishReason.ERROR) ->
                    Future.failedFuture(UpstreamErrors.failedGeneration());
            case ChatReply.CanonicalJson j when j.response().usage() == null -> TokenEstimator.count(vertx, request)
                    .map(input -> new ChatReply.CanonicalJson(Settle.withEstimate(j.response(), input), j.headers()));
            default -> Future.succeededFuture(reply);
        };
    }
}
