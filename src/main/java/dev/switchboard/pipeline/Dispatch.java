package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
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

    public Dispatch(Vertx vertx, OutboundConnector connector, DeploymentHealth health, RandomGenerator random) {
        this.vertx = vertx;
        this.connector = connector;
        this.health = health;
        this.random = random;
    }

    public Future<ChatReply> chat(Exchange ex, ChatRequest request, ObjectNode nativeBody, WireFormat inbound, MultiMap clientHeaders) {
        boolean reject = "reject".equals(ex.snapshot().router().unsupportedParameters());
        ex.chatRequest(request);
        return new AttemptLoop<ChatReply>(vertx, health, random, ex, request.model(), request.stream(), (d, lease) -> {
            ChatCall call = new ChatCall(d, request, d.wireFormat() == inbound ? nativeBody : null, clientHeaders,
                    ex.requestId(), reject, ex.cancellation(), connector, vertx);
            return d.provider().chat(call).compose(reply -> primed(reply, ex, lease));
        }).run();
    }

    public Future<EmbeddingReply> embed(Exchange ex, EmbeddingRequest request, ObjectNode nativeBody, WireFormat inbound,
                                        MultiMap clientHeaders) {
        return new AttemptLoop<EmbeddingReply>(vertx, health, random, ex, request.model(), false, (d, lease) ->
                d.provider().embed(new EmbeddingCall(d, request, d.wireFormat() == inbound ? nativeBody : null,
                        clientHeaders, ex.requestId(), ex.cancellation(), connector, vertx))).run();
    }

    private static Future<ChatReply> primed(ChatReply reply, Exchange ex, DeploymentHealth.Lease lease) {
        return switch (reply) {
            case ChatReply.NativeStream s -> PrimedSource.prime(s.chunks(), lease, ex.cancellation(), ex::streamed)
                    .map(src -> new ChatReply.NativeStream(src, s.headers()));
            case ChatReply.CanonicalStream s -> PrimedSource.prime(s.events(), lease, ex.cancellation(), ex::streamed)
                    .map(src -> new ChatReply.CanonicalStream(src, s.headers()));
            default -> Future.succeededFuture(reply);
        };
    }
}
