package dev.switchboard.routing;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** The enabled deployments behind one public model, with the weighted random choice among them. */
public record ModelPool(String publicModel, List<Deployment> deployments) {

    public ModelPool {
        deployments = List.copyOf(deployments);
    }

    /**
     * A deployment drawn with probability proportional to its weight, among those not yet tried;
     * when every one has been tried, among all. Weight 0 takes a deployment out of the draw unless
     * every candidate has weight 0. Null only when the pool is empty.
     */
    public Deployment pick(Set<String> tried) {
        List<Deployment> candidates = tried.isEmpty() ? deployments
                : deployments.stream().filter(d -> !tried.contains(d.id())).toList();
        if (candidates.isEmpty()) candidates = deployments;
        if (candidates.isEmpty()) return null;
        if (candidates.size() == 1) return candidates.getFirst();
        long total = 0;
        for (Deployment d : candidates) total += d.weight();
        if (total == 0) return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        long r = ThreadLocalRandom.current().nextLong(total);
        for (Deployment d : candidates) {
            r -= d.weight();
            if (r < 0) return d;
        }
        return candidates.getLast();
    }

    public boolean hasUntried(Set<String> tried) {
        for (Deployment d : deployments) if (!tried.contains(d.id())) return true;
        return false;
    }
}
