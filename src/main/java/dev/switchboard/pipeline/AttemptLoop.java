package dev.switchboard.pipeline;

import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.RouterSettings;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.Backoff;
import dev.switchboard.routing.CircuitPolicy;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.routing.DeploymentHealth.Choice;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.routing.FallbackReason;
import dev.switchboard.routing.ModelPool;
import dev.switchboard.routing.ModelRouter;
import dev.switchboard.routing.Strategy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one request, up to the commit point: pick a deployment of the pool, call it, and
 * on a failure decide what may help.
 *
 * <ol>
 *   <li>Another deployment of the pool that may take the request (not yet tried, not cooling, not full).</li>
 *   <li>Else the next model of the primary model's fallback chains that fit the failure
 *       ({@link FallbackReason#after}); a target the key may not use is skipped.</li>
 *   <li>Else, for a transient failure, the deployments already tried, after an exponential backoff
 *       with full jitter.</li>
 *   <li>Else the last failure is the answer; when nothing could even be tried because every
 *       deployment is cooling down or full, 503 {@code deployments_in_cooldown} with the time the
 *       first one frees up as Retry-After.</li>
 * </ol>
 * A request failure (the provider refused this request) is never retried as such, only sent down
 * the chain kept for its refusal; a gateway failure ends the loop. {@code maxAttempts} bounds the
 * attempts of the primary and its fallbacks together, and the router's total deadline bounds the
 * whole operation. A client that goes away stops the loop; its attempt counts for nothing.
 *
 * <p>Not thread-safe: created per request, run on its event loop.
 */
final class AttemptLoop<R> {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptLoop.class);

    private final Vertx vertx;
    private final DeploymentHealth health;
    private final RandomGenerator random;
    private final Exchange ex;
    private final ConfigSnapshot snapshot;
    private final RouterSettings router;
    private final CircuitPolicy policy;
    private final String primary;
    private final boolean stream;
    private final BiFunction<Deployment, DeploymentHealth.Lease, Future<R>> call;
    private final Promise<R> result = Promise.promise();
    private final Context context;
    private final long startedMs;
    /** Circuit keys this request has tried (or been refused a probe on), in any pool. */
    private final Set<String> tried = new HashSet<>(4);
    /** Public models this request has used, the primary and each fallback taken. */
    private final Set<String> models = new HashSet<>(2);
    private final UnaryOperator<ModelPool> admissible;
    private ModelPool pool;
    private int attempts;
    private int backoffs;
    private UpstreamException last;
    /** How long the last failure cooled what it blamed ({@link DeploymentHealth.Lease#failed}), and its deployment's circuit. */
    private long lastCoolingMs;
    private String lastCircuitKey;
    /** The pool the last failure came from. */
    private ModelPool lastPool;
    /** The earliest moment a skipped deployment of any pool seen frees up; for Retry-After. */
    private long freeAtMs = Long.MAX_VALUE;

    /**
     * @param admissible narrows a fallback model's pool to what this caller may use (throws a
     *                   {@link GatewayError} when nothing is left), as the primary's was narrowed
     */
    AttemptLoop(Vertx vertx, DeploymentHealth health, RandomGenerator random, Exchange ex, ModelPool pool,
                UnaryOperator<ModelPool> admissible, boolean stream,
                BiFunction<Deployment, DeploymentHealth.Lease, Future<R>> call) {
        this.vertx = vertx;
        this.health = health;
        this.random = random;
        this.ex = ex;
        this.snapshot = ex.snapshot();
        this.router = snapshot.router();
        this.policy = CircuitPolicy.of(router);
        this.primary = pool.publicModel();
        this.stream = stream;
        this.call = call;
        this.startedMs = health.nowMs();
        this.context = vertx.getOrCreateContext();
        ex.model(primary);
        this.pool = pool;
        this.admissible = admissible;
        models.add(primary);
    }

    Future<R> run() {
        next();
        return result.future();
    }

    private void next() {
        if (ex.cancellation().cancelled() || !withinBudget(0)) {
            giveUp();
            return;
        }
        switch (health.choose(pool, tried, stream, Strategy.of(snapshot.strategyFor(pool.publicModel())))) {
            case Choice.Pick p when p.probe() -> health.circuits().claimProbe(p.deployment().circuitKey(), policy, health.nowMs())
                    .onComplete(ar -> onLoop(() -> {
                        if (ar.succeeded() && ar.result()) {
                            attempt(p.deployment(), true);
                        } else {
                            tried.add(p.deployment().circuitKey()); // another request probes it
                            next();
                        }
                    }));
            case Choice.Pick p -> attempt(p.deployment(), false);
            case Choice.NoneAvailable none -> noneAvailable(none.retryAtMs());
        }
    }

    private void attempt(Deployment d, boolean probe) {
        tried.add(d.circuitKey());
        attempts++;
        ex.attempt(d, attempts);
        DeploymentHealth.Lease lease = health.begin(d, policy, probe);
        ex.lease(lease);
        long started = System.nanoTime();
        ex.upstreamBegin();
        Future<R> reply;
        try {
            reply = call.apply(d, lease);
        } catch (GatewayError e) {
            reply = Future.failedFuture(e);
        }
        reply.onComplete(ar -> {
            ex.upstreamEnd();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (ar.succeeded()) {
                lease.answered(stream);
                // a stream keeps its lease until it ends (PrimedSource); a complete answer is done
                if (!stream) lease.release();
                else ex.firstEvent(); // a stream succeeds once primed: its first event is here
                ex.record(d, null, 200, ms);
                result.complete(ar.result());
            } else if (ar.cause() instanceof GatewayError g) {
                lease.release();
                result.fail(g);
            } else if (ex.cancellation().cancelled()) {
                lease.release();
                result.fail(ar.cause());
            } else {
                failed(d, lease, UpstreamErrors.transport(ar.cause()), ms);
            }
        });
    }

    private void failed(Deployment d, DeploymentHealth.Lease lease, UpstreamException e, long ms) {
        long cooling = lease.failed(e.failureClass(), e.error().retryAfterMs());
        if (e.failureClass() == FailureClass.THROTTLE && e.error().retryAfterMs() < 0) {
            // the provider said not when: the client waits out the cooldown its account now has
            e = new UpstreamException(e.failureClass(), e.error().withRetryAfter(Math.max(1_000, cooling), false), e.upstreamStatus(), e.getMessage());
        }
        ex.record(d, e.failureClass(), e.upstreamStatus(), ms);
        lastCoolingMs = cooling;
        lastCircuitKey = d.circuitKey();
        lastPool = pool;
        if (e.failureClass() == FailureClass.REQUEST && e.upstreamStatus() == 0) {
            ex.refusedBeforeCall();
            LOG.debug("request refused before the upstream request_id={} deployment={} detail={}", ex.requestId(), d.id(), d.redact(e.getMessage()));
        } else {
            LOG.warn("upstream attempt failed request_id={} deployment={} provider={} attempt={} class={} status={} detail={}",
                    ex.requestId(), d.id(), d.provider().id(), attempts, e.failureClass(), e.upstreamStatus(), d.redact(e.getMessage()));
        }
        last = e;
        switch (e.failureClass()) {
            case GATEWAY -> giveUp();
            case REQUEST -> {
                if (!fallBack()) giveUp();
            }
            case TRANSIENT, THROTTLE, CONFIGURATION -> next();
        }
    }

    /** Runs {@code step} on the request's event loop (a shared circuit store may answer on another). */
    private void onLoop(Runnable step) {
        if (Vertx.currentContext() == context) step.run();
        else context.runOnContext(v -> step.run());
    }

    /** Nothing in the current pool may take the request now. */
    private void noneAvailable(long retryAtMs) {
        if (retryAtMs > 0) freeAtMs = Math.min(freeAtMs, retryAtMs);
        if (fallBack()) return;
        // the deployments already tried are those of the pool the last failure came from, which a
        // fallback whose pool is all cooling has since left: back to it
        if (last != null && last.failureClass() == FailureClass.TRANSIENT && !tried.isEmpty() && withinBudget(0)
                && health.choose(lastPool, Set.of(), stream, Strategy.SIMPLE_SHUFFLE) instanceof Choice.Pick) {
            RouterSettings.Backoff b = router.backoff();
            long delay = new Backoff(b.baseMs(), b.maxMs()).delayMs(backoffs++, random);
            if (withinBudget(delay)) {
                tried.clear();
                pool = lastPool;
                if (delay == 0) {
                    next();
                } else {
                    ex.upstreamBegin(); // a backoff is waiting, not the gateway's own work: kept out of the overhead
                    vertx.setTimer(delay, id -> {
                        ex.upstreamEnd();
                        next();
                    });
                }
                return;
            }
        }
        if (last == null) {
            long wait = freeAtMs != Long.MAX_VALUE ? Math.max(1, freeAtMs - health.nowMs()) : 1000;
            // named by what the client asked for: a fallback's name would read as a model it never sent
            String which = pool.publicModel().equals(primary) ? "" : " and of its fallbacks";
            result.fail(GatewayError.of(ErrorKind.DEPLOYMENTS_IN_COOLDOWN, "Every deployment of the model '" + primary + "'" + which
                    + " is cooling down or at capacity; retry after the indicated time.").withRetryAfter(wait, false));
            return;
        }
        giveUp();
    }

    /**
     * When the last failure (of the requested model's pool: a fallback's state says nothing of the
     * model an SDK's retry asks for) cooled its deployment and no other deployment of the pool can
     * take a retry now, how long until one can; else 0. The SDK's retry then waits for it instead
     * of meeting a 503 for the cooldown first.
     */
    private long coolingAfterLastFailure() {
        if (lastCoolingMs <= 0 || !pool.publicModel().equals(primary)) return 0;
        return switch (health.choose(pool, Set.of(lastCircuitKey), stream, Strategy.SIMPLE_SHUFFLE)) {
            case Choice.Pick p -> 0;
            case Choice.NoneAvailable none -> none.retryAtMs() > health.nowMs()
                    ? Math.min(lastCoolingMs, none.retryAtMs() - health.nowMs()) : lastCoolingMs;
        };
    }

    /** Moves to the next fallback model that fits the last failure; false when there is none (or no attempt left). */
    private boolean fallBack() {
        if (!withinBudget(0)) return false;
        for (FallbackReason reason : FallbackReason.after(last == null ? null : last.failureClass(),
                last == null ? null : last.error().kind())) {
            for (String target : snapshot.fallbackTargets(primary, reason.wireName())) {
                if (!models.add(target)) continue;
                ModelPool next;
                try {
                    next = admissible.apply(ModelRouter.resolve(snapshot, target, ex.principal()));
                } catch (GatewayError notServable) {
                    LOG.debug("fallback skipped request_id={} target={} reason={}", ex.requestId(), target, notServable.getMessage());
                    continue;
                }
                LOG.info("falling back request_id={} from={} to={} reason={}", ex.requestId(), pool.publicModel(), target, reason.wireName());
                pool = next;
                next();
                return true;
            }
        }
        return false;
    }

    /** True while another attempt, {@code delayMs} from now, fits the attempt count and the operation's total deadline. */
    private boolean withinBudget(long delayMs) {
        return attempts < router.maxAttempts() && health.nowMs() + delayMs - startedMs < router.timeouts().totalMs();
    }

    private void giveUp() {
        if (last == null) {
            result.fail(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "The request was cancelled before a provider answered."));
            return;
        }
        GatewayError error = last.error();
        // When the gateway has retried (or fallen back), or the operation's deadline is spent, tell
        // SDKs not to retry again. After a single attempt — a pool of one that throttled, or
        // maxAttempts 1 — the SDK's own retry, after the Retry-After, is the only one there is.
        // A deployment that refused the gateway itself (its credentials, its model, its URL) stays
        // refused until an operator acts, and is quarantined meanwhile: the SDK's retry cannot help.
        // Shedding load under a full upstream queue is never final: a retry soon may pass.
        boolean spent = attempts > 1 || error.kind() == ErrorKind.TIMEOUT || last.failureClass() == FailureClass.CONFIGURATION;
        if (spent && last.failureClass() != FailureClass.REQUEST && error.kind() != ErrorKind.SERVICE_UNAVAILABLE) {
            error = error.withRetryAfter(error.retryAfterMs(), true);
        } else if (last.failureClass() == FailureClass.TRANSIENT && error.retryAfterMs() < 0) {
            long wait = coolingAfterLastFailure();
            if (wait > 0) error = error.withRetryAfter(wait, false);
        }
        result.fail(error);
    }
}
