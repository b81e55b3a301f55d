package dev.switchboard.routing;

import dev.switchboard.config.Pricing;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.function.ToDoubleFunction;

/**
 * How a pool chooses among the deployments that may take a request now (circuit closed, not full,
 * not yet tried). Each strategy scores the candidates and draws, by weight, among those within a
 * small margin of the best score, so equal deployments share the load and a deployment's
 * {@code weight} still counts among equals.
 */
public enum Strategy {

    /** Weighted random. */
    SIMPLE_SHUFFLE("simple-shuffle") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            return weighted(cs, random);
        }
    },

    /** Fewest requests in flight; among equals, the faster. */
    LEAST_BUSY("least-busy") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            int least = Integer.MAX_VALUE;
            for (Candidate c : cs) least = Math.min(least, c.load().inFlight());
            List<Candidate> idlest = new ArrayList<>(cs.size());
            for (Candidate c : cs) if (c.load().inFlight() == least) idlest.add(c);
            return LATENCY_BASED.pick(idlest, stream, nowMs, random);
        }
    },

    /**
     * Lowest moving average of latency (time to first event for streams). A deployment never
     * measured goes first, so every one gets measured; one in 50 picks is uniform, so a deployment
     * that was slow and has recovered is seen again.
     */
    LATENCY_BASED("latency-based") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            if (cs.size() > 1 && random.nextInt(50) == 0) return cs.get(random.nextInt(cs.size()));
            return best(cs, c -> {
                double ms = c.load().latency(stream);
                return Double.isNaN(ms) ? 0 : ms;
            }, 0.10, 1.0, random);
        }
    },

    /** Most headroom under the deployment's own rpm and tpm limits; a deployment without limits has all of it. */
    USAGE_BASED("usage-based") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            return best(cs, c -> -headroom(c, nowMs), 0.0, 0.02, random);
        }
    },

    /** Cheapest by its prices (input plus output per million tokens); an unpriced deployment last. */
    COST_BASED("cost-based") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            return best(cs, Strategy::price, 0.0, 1e-9, random);
        }
    },

    /** Highest recent success rate. */
    HEALTH_AWARE("health-aware") {
        @Override
        Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random) {
            return best(cs, c -> 1.0 - c.load().successRate(), 0.0, 0.05, random);
        }
    };

    /** A deployment that may take the request, with this instance's numbers for it. */
    public record Candidate(Deployment deployment, DeploymentLoad load) {}

    private final String wireName;

    Strategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Chooses one of {@code cs}, which is never empty. */
    abstract Candidate pick(List<Candidate> cs, boolean stream, long nowMs, RandomGenerator random);

    public static Strategy of(String name) {
        for (Strategy s : values()) if (s.wireName.equals(name)) return s;
        throw new IllegalArgumentException("unknown strategy '" + name + "'; one of simple-shuffle, least-busy, latency-based, usage-based, cost-based, health-aware");
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** Weighted draw among the candidates whose score is within {@code relative} (or {@code absolute}) of the lowest. */
    private static Candidate best(List<Candidate> cs, ToDoubleFunction<Candidate> score, double relative, double absolute,
                                  RandomGenerator random) {
        if (cs.size() == 1) return cs.getFirst();
        double low = Double.POSITIVE_INFINITY;
        for (Candidate c : cs) low = Math.min(low, score.applyAsDouble(c));
        double limit = low + Math.max(Math.abs(low) * relative, absolute);
        List<Candidate> near = new ArrayList<>(cs.size());
        for (Candidate c : cs) if (score.applyAsDouble(c) <= limit || Double.isInfinite(low)) near.add(c);
        return weighted(near, random);
    }

    static Candidate weighted(List<Candidate> cs, RandomGenerator random) {
        if (cs.size() == 1) return cs.getFirst();
        long total = 0;
        for (Candidate c : cs) total += c.deployment().weight();
        if (total == 0) return cs.get(random.nextInt(cs.size()));
        long r = random.nextLong(total);
        for (Candidate c : cs) {
            r -= c.deployment().weight();
            if (r < 0) return c;
        }
        return cs.getLast();
    }

    static double headroom(Candidate c, long nowMs) {
        double room = 1.0;
        Long rpm = c.deployment().spec().rpmLimit();
        Long tpm = c.deployment().spec().tpmLimit();
        if (rpm != null && rpm > 0) room = Math.min(room, 1.0 - (double) c.load().requests.sum(nowMs) / rpm);
        if (tpm != null && tpm > 0) room = Math.min(room, 1.0 - (double) c.load().tokens.sum(nowMs) / tpm);
        return room;
    }

    static double price(Candidate c) {
        Pricing p = c.deployment().spec().pricing();
        if (p == null || p.inputPerMTokens() == null || p.outputPerMTokens() == null) return Double.POSITIVE_INFINITY;
        return p.inputPerMTokens() + p.outputPerMTokens();
    }
}
