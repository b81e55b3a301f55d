package dev.switchboard.routing;

import io.vertx.core.Future;

/**
 * Where circuit state lives: in this process ({@link LocalCircuitStore}, the default) or in Redis,
 * shared by every instance. Keys name a deployment ({@code dep:<id>:<fingerprint>}) or a failure
 * domain ({@code dom:<fingerprint>}, one provider account, whose throttles all its deployments share).
 *
 * <p>Reads never wait: {@link #state} answers from memory (the Redis store keeps a mirror that its
 * writes and the other instances' published changes refresh). Writes apply {@link CircuitPolicy}
 * atomically where the state lives and complete with the new state; the request path does not wait
 * for them, except for {@link #claimProbe}, whose answer decides whether a request may go.
 */
public interface CircuitStore extends AutoCloseable {

    /** The state as this instance knows it now; {@link CircuitState#CLOSED} for a key never seen. */
    CircuitState state(String key);

    /** True for exactly one caller per half-open period (across instances for a shared store). */
    Future<Boolean> claimProbe(String key, CircuitPolicy policy, long nowMs);

    Future<CircuitState> success(String key, CircuitPolicy policy, long nowMs);

    Future<CircuitState> failure(String key, CircuitPolicy policy, long nowMs);

    Future<CircuitState> throttle(String key, CircuitPolicy policy, long nowMs, long retryAfterMs);

    Future<CircuitState> quarantine(String key, CircuitPolicy policy, long nowMs);

    /** A claimed probe ended without a verdict: the next caller may probe ({@link CircuitPolicy#releaseProbe}). */
    Future<CircuitState> releaseProbe(String key, CircuitPolicy policy, long nowMs);

    /** Forgets every circuit this store holds: an operator's fresh start, and tests' isolation. */
    Future<Void> reset();

    /** {@code local}, {@code redis}, or {@code local-fallback} while a configured Redis is unreachable. */
    String mode();

    @Override
    default void close() {}
}
