package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.routing.ModelPool;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempt loop: resolve the model to its pool, pick a deployment, call its provider, and on a
 * failure before the commit point decide whether another attempt may help. Streams are primed
 * (held until their first event) so a stream that dies before any output is retried too.
 *
 * <p>Retry rules for now (routing issue refines them with backoff, cooldowns and fallbacks):
 * transient failures retry (another deployment when there is one, else the same); throttles and
 * configuration failures retry only on a deployment not yet tried; request and gateway failures
 * never retry. At most {@code maxAttempts} attempts.
 */
public final class Dispatch {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);

    private final Vertx vertx;
    private final OutboundConnector connector;

    public Dispatch(Vertx vertx, OutboundConnector connector) {
        this.vertx = vertx;
        this.connector = connector;
    }

    public Future<ChatReply> chat(Exchange ex, ChatRequest request, ObjectNode nativeBody, WireFormat inbound, MultiMap clientHeaders) {
        ModelPool pool = ModelRouter.resolve(ex.snapshot(), request.model(), ex.principal());
        boolean reject = "reject".equals(ex.snapshot().router().unsupportedParameters());
        return attempt(ex, pool, new HashSet<>(), 1, d -> {
            ChatCall call = new ChatCall(d, request, d.wireFormat() == inbound ? nativeBody : null, clientHeaders,
                    ex.requestId(), reject, ex.cancellation(), connector, vertx);
            return d.provider().chat(call).compose(reply -> primed(reply, ex));
        });
    }

    public Future<EmbeddingReply> embed(Exchange ex, EmbeddingRequest request, ObjectNode nativeBody, WireFormat inbound,
                                        MultiMap clientHeaders) {
        ModelPool pool = ModelRouter.resolve(ex.snapshot(), request.model(), ex.principal());
        return attempt(ex, pool, new HashSet<>(), 1, d -> d.provider().embed(new EmbeddingCall(d, request,
                d.wireFormat() == inbound ? nativeBody : null, clientHeaders, ex.requestId(), ex.cancellation(), connector, vertx)));
    }

    private static Future<ChatReply> primed(ChatReply reply, Exchange ex) {
        return switch (reply) {
            case ChatReply.NativeStream s -> {
                ex.cancellation().onCancel(s.chunks()::cancel);
                yield PrimedSource.prime(s.chunks()).map(src -> new ChatReply.NativeStream(src, s.headers()));
            }
            case ChatReply.CanonicalStream s -> {
                ex.cancellation().onCancel(s.events()::cancel);
                yield PrimedSource.prime(s.events()).map(src -> new ChatReply.CanonicalStream(src, s.headers()));
            }
            default -> Future.succeededFuture(reply);
        };
    }

    private <R> Future<R> attempt(Exchange ex, ModelPool pool, Set<String> tried, int n, Function<Deployment, Future<R>> call) {
        Deployment d = pool.pick(tried);
        tried.add(d.id());
        ex.attempt(d, n);
        long started = System.nanoTime();
        ex.upstreamBegin();
        Future<R> result;
        try {
            result = call.apply(d);
        } catch (GatewayError e) {
            result = Future.failedFuture(e);
        }
        return result.transform(ar -> {
            ex.upstreamEnd();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (ar.succeeded()) {
                ex.record(d, null, 200, ms);
                return Future.succeededFuture(ar.result());
            }
            if (ar.cause() instanceof GatewayError g) return Future.failedFuture(g);
            if (ex.cancellation().cancelled()) return Future.failedFuture(ar.cause());
            UpstreamException e = UpstreamErrors.transport(ar.cause());
            ex.record(d, e.failureClass(), e.upstreamStatus(), ms);
            if (e.failureClass() == FailureClass.REQUEST && e.upstreamStatus() == 0) {
                LOG.debug("request refused before the upstream request_id={} deployment={} detail={}", ex.requestId(), d.id(), e.getMessage());
            } else {
                LOG.warn("upstream attempt failed request_id={} deployment={} provider={} attempt={} class={} status={} detail={}",
                        ex.requestId(), d.id(), d.provider().id(), n, e.failureClass(), e.upstreamStatus(), e.getMessage());
            }
            boolean again = n < ex.snapshot().router().maxAttempts() && switch (e.failureClass()) {
                case TRANSIENT -> true;
                case THROTTLE, CONFIGURATION -> pool.hasUntried(tried);
                case REQUEST, GATEWAY -> false;
            };
            if (again) return attempt(ex, pool, tried, n + 1, call);
            GatewayError error = e.error();
            // the gateway already retried what could be retried: tell SDKs not to retry again
            // (shedding load under a full upstream queue is the exception: a retry soon may pass)
            if (e.failureClass() != FailureClass.REQUEST && error.kind() != ErrorKind.SERVICE_UNAVAILABLE) {
                error = error.withRetryAfter(error.retryAfterMs(), true);
            }
            return Future.failedFuture(error);
        });
    }
}
