package dev.switchboard.routing;

import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Which deployment of a pool takes the next attempt, and what each attempt teaches about it.
 *
 * <p>A deployment may take a request when neither its own circuit nor its provider account's
 * ({@link Deployment#domainKey()}) is cooling down, and it is not full: fewer requests in flight
 * than its {@code maxConcurrency}, fewer requests and tokens in the last minute than its
 * {@code rpmLimit} and {@code tpmLimit}. A full deployment is skipped, never queued behind. A
 * deployment whose cooldown is over goes first, as the one half-open probe, so a recovered
 * deployment returns at once; among the rest the pool's {@link Strategy} chooses.
 *
 * <p>Circuit state lives in the {@link CircuitStore} (shared by instances with Redis); the load
 * numbers live here, per instance. Everything is read from memory: choosing never waits.
 */
public final class DeploymentHealth {

    /** The outcome of choosing: a deployment, or when none may take the request, when one next may. */
    public sealed interface Choice {
        record Pick(Deployment deployment, boolean probe) implements Choice {}

        /** @param retryAtMs when the first deployment skipped for cooling or fullness frees up; 0 when every one was excluded as tried */
        record NoneAvailable(long retryAtMs) implements Choice {}
    }

    private final CircuitStore circuits;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final ConcurrentHashMap<String, DeploymentLoad> loads = new ConcurrentHashMap<>();

    public DeploymentHealth(CircuitStore circuits, InstantSource clock, RandomGenerator random) {
        this.circuits = circuits;
        this.clock = clock;
        this.random = random;
    }

    public CircuitStore circuits() {
        return circuits;
    }

    public long nowMs() {
        return clock.millis();
    }

    /** Forgets every circuit and every number learned so far; leases in flight release harmlessly. */
    public Future<Void> reset() {
        loads.clear();
        return circuits.reset();
    }

    /** This instance's numbers for a deployment. */
    public DeploymentLoad load(Deployment d) {
        return loads.computeIfAbsent(d.circuitKey(), k -> new DeploymentLoad());
    }

    /** Chooses among the pool's deployments whose circuit key is not in {@code exclude}. */
    public Choice choose(ModelPool pool, Set<String> exclude, boolean stream, Strategy strategy) {
        long now = clock.millis();
        List<Strategy.Candidate> ready = new ArrayList<>(pool.deployments().size());
        List<Deployment> probes = null;
        long retryAt = Long.MAX_VALUE;
        for (Deployment d : pool.deployments()) {
            if (exclude.contains(d.circuitKey())) continue;
            CircuitState domain = circuits.state(d.domainKey());
            CircuitState own = circuits.state(d.circuitKey());
            if (domain.cooling(now) || !(own.closed() || own.probeAvailable(now))) {
                retryAt = Math.min(retryAt, Math.max(domain.availableAtMs(now), own.availableAtMs(now)));
                continue;
            }
            DeploymentLoad load = load(d);
            long freeAt = fullUntil(d, load, now);
            if (freeAt > now) {
                retryAt = Math.min(retryAt, freeAt);
                continue;
            }
            if (!own.closed()) {
                if (probes == null) probes = new ArrayList<>(2);
                probes.add(d);
            } else {
                ready.add(new Strategy.Candidate(d, load));
            }
        }
        if (standbysBesideWeighted(ready)) {
            // weight 0 is a standby: out of the draw, whatever the strategy, while a weighted deployment
            // can take the request (a standby's probe still goes: it is known good when it is needed)
            ready.removeIf(c -> c.deployment().weight() == 0);
        }
        if (probes != null) return new Choice.Pick(probes.get(random.nextInt(probes.size())), true);
        if (ready.isEmpty()) return new Choice.NoneAvailable(retryAt == Long.MAX_VALUE ? 0 : retryAt);
        return new Choice.Pick(strategy.pick(ready, stream, now, random).deployment(), false);
    }

    /** Whether some candidates have weight 0 and others not (standbys alone are drawn: they are all there is). */
    private static boolean standbysBesideWeighted(List<Strategy.Candidate> ready) {
        boolean standby = false;
        boolean weighted = false;
        for (Strategy.Candidate c : ready) {
            if (c.deployment().weight() == 0) standby = true;
            else weighted = true;
        }
        return standby && weighted;
    }

    /** When a full deployment will take requests again, or {@code now} when it is not full. */
    private static long fullUntil(Deployment d, DeploymentLoad load, long now) {
        Integer maxConcurrency = d.spec().maxConcurrency();
        if (maxConcurrency != null && load.inFlight() >= maxConcurrency) return now + 1000;
        Long rpm = d.spec().rpmLimit();
        if (rpm != null && load.requests.sum(now) >= rpm) return load.requests.nextReleaseMs(now);
        Long tpm = d.spec().tpmLimit();
        if (tpm != null && load.tokens.sum(now) >= tpm) return load.tokens.nextReleaseMs(now);
        return now;
    }

    /**
     * Starts an attempt on {@code d}: it is in flight until the lease is released.
     *
     * @param probe the attempt is its circuit's claimed half-open probe
     */
    public Lease begin(Deployment d, CircuitPolicy policy, boolean probe) {
        DeploymentLoad load = load(d);
        load.inFlight.incrementAndGet();
        load.requests.add(clock.millis(), 1);
        return new Lease(d, load, policy, probe);
    }

    /**
     * One attempt in flight. Touched on the request's event loop only. Whatever happens, exactly
     * one of {@link #failed} or {@link #release} ends it; {@link #answered} may come first.
     */
    public final class Lease {
        private final Deployment deployment;
        private final DeploymentLoad load;
        private final CircuitPolicy policy;
        private final long startedMs;
        private final boolean probe;
        /** Whether the deployment's own circuit has heard how this attempt went. */
        private boolean verdict;
        private boolean released;

        private Lease(Deployment deployment, DeploymentLoad load, CircuitPolicy policy, boolean probe) {
            this.deployment = deployment;
            this.load = load;
            this.policy = policy;
            this.probe = probe;
            this.startedMs = clock.millis();
        }

        public Deployment deployment() {
            return deployment;
        }

        /** The deployment answered: the whole reply, or a stream's first event. Closes a half-open circuit. */
        public void answered(boolean stream) {
            long now = clock.millis();
            (stream ? load.firstTokenMs : load.latencyMs).add(now - startedMs);
            load.successRate.add(1.0);
            circuits.success(deployment.circuitKey(), policy, now);
            verdict = true;
        }

        /**
         * The attempt failed: the circuit learns by the failure's class, and the lease is released.
         *
         * @param retryAfterMs the provider's Retry-After, or -1 when it gave none
         * @return how long the failure cools what it blames, as this instance sees it (a shared
         *         circuit store learns of it asynchronously): for a throttle the provider account
         *         (its Retry-After, else the circuit's cooldown); for a transient failure the
         *         deployment, when this failure opens its circuit or a probe failed; else 0
         */
        public long failed(FailureClass failure, long retryAfterMs) {
            long now = clock.millis();
            long cooling = 0;
            switch (failure) {
                case TRANSIENT -> {
                    cooling = Math.max(0, policy.failure(circuits.state(deployment.circuitKey()), now).openUntilMs() - now);
                    circuits.failure(deployment.circuitKey(), policy, now);
                }
                case THROTTLE -> { // the account's circuit, not the deployment's
                    cooling = Math.max(0, policy.throttle(circuits.state(deployment.domainKey()), now, retryAfterMs).openUntilMs() - now);
                    circuits.throttle(deployment.domainKey(), policy, now, retryAfterMs);
                }
                case CONFIGURATION -> circuits.quarantine(deployment.circuitKey(), policy, now);
                case REQUEST, GATEWAY -> { } // the deployment is not to blame
            }
            verdict |= failure == FailureClass.TRANSIENT || failure == FailureClass.CONFIGURATION;
            if (failure == FailureClass.TRANSIENT || failure == FailureClass.THROTTLE || failure == FailureClass.CONFIGURATION) {
                load.successRate.add(0.0);
            }
            release();
            return cooling;
        }

        /** Tokens the attempt used, for the deployment's {@code tpmLimit}. */
        public void tokens(long n) {
            if (n > 0) load.tokens.add(clock.millis(), n);
        }

        /**
         * The attempt is over (done after answering, or the client went away). A probe that
         * leaves its circuit without a verdict gives the probe back. Idempotent.
         */
        public void release() {
            if (released) return;
            released = true;
            load.inFlight.decrementAndGet();
            if (probe && !verdict) circuits.releaseProbe(deployment.circuitKey(), policy, clock.millis());
        }
    }
}
