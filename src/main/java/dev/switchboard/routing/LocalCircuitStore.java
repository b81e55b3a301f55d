package dev.switchboard.routing;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Circuit state in this process. Every event loop reads and writes it, so each transition is one
 * {@link ConcurrentHashMap#compute} (a short per-bin lock, never held across I/O). A success on a
 * clean circuit, the case of nearly every request, writes nothing.
 */
public final class LocalCircuitStore implements CircuitStore {

    private final ConcurrentHashMap<String, CircuitState> states = new ConcurrentHashMap<>();

    @Override
    public CircuitState state(String key) {
        return states.getOrDefault(key, CircuitState.CLOSED);
    }

    @Override
    public Future<Boolean> claimProbe(String key, CircuitPolicy policy, long nowMs) {
        boolean[] claimed = {false};
        states.computeIfPresent(key, (k, s) -> {
            CircuitState next = policy.claimProbe(s, nowMs);
            claimed[0] = next != null;
            return next != null ? next : s;
        });
        return Future.succeededFuture(claimed[0]);
    }

    @Override
    public Future<CircuitState> success(String key, CircuitPolicy policy, long nowMs) {
        if (state(key).clean()) return Future.succeededFuture(CircuitState.CLOSED);
        return apply(key, s -> policy.success(s, nowMs));
    }

    @Override
    public Future<CircuitState> failure(String key, CircuitPolicy policy, long nowMs) {
        return apply(key, s -> policy.failure(s, nowMs));
    }

    @Override
    public Future<CircuitState> throttle(String key, CircuitPolicy policy, long nowMs, long retryAfterMs) {
        return apply(key, s -> policy.throttle(s, nowMs, retryAfterMs));
    }

    @Override
    public Future<CircuitState> quarantine(String key, CircuitPolicy policy, long nowMs) {
        return apply(key, s -> policy.quarantine(s, nowMs));
    }

    @Override
    public Future<CircuitState> releaseProbe(String key, CircuitPolicy policy, long nowMs) {
        return apply(key, s -> policy.releaseProbe(s, nowMs));
    }

    private Future<CircuitState> apply(String key, UnaryOperator<CircuitState> transition) {
        // a circuit back to clean is dropped, so the map holds only deployments with a history
        CircuitState next = states.compute(key, (k, s) -> {
            CircuitState n = transition.apply(s == null ? CircuitState.CLOSED : s);
            return n.clean() ? null : n;
        });
        return Future.succeededFuture(next == null ? CircuitState.CLOSED : next);
    }

    @Override
    public Future<Void> reset() {
        states.clear();
        return Future.succeededFuture();
    }

    @Override
    public String mode() {
        return "local";
    }
}
