package dev.switchboard.provider.vertex;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * OAuth access tokens per service account, shared by every event loop.
 *
 * <p>Design: each account (keyed by its key file's text) has one slot holding either a usable
 * token with the instant to stop using it, or the one token request in flight. A caller that
 * finds a usable token gets it at once; one that finds a request in flight gets that request's
 * future; the first caller to find neither swaps in a new in-flight request by compare-and-set and
 * starts it — so concurrent first calls make one token request, and nobody blocks. A token is
 * used until {@link #REFRESH_EARLY} before it expires (or half its lifetime, for short-lived
 * tokens); a failed request leaves the slot empty again, so the next call tries afresh (nothing
 * caches a failure). {@link #invalidate} drops a token the provider refused before its time.
 *
 * <p>The future handed out completes on the context of the call that started the request; callers
 * on another event loop move back to their own context themselves.
 */
final class AccessTokens {

    /** Refresh this long before a token's expiry, so no request leaves with a token about to lapse. */
    static final Duration REFRESH_EARLY = Duration.ofSeconds(60);

    /** What a token endpoint granted: the token and its lifetime in seconds. */
    record Grant(String accessToken, long expiresInSeconds) {}

    private sealed interface Slot {}

    private record Ready(String token, Instant refreshAt) implements Slot {}

    private record Pending(Future<String> token) implements Slot {}

    private record Empty() implements Slot {}

    private static final Slot EMPTY = new Empty();

    private final Clock clock;
    private final ConcurrentHashMap<String, AtomicReference<Slot>> slots = new ConcurrentHashMap<>();

    AccessTokens(Clock clock) {
        this.clock = clock;
    }

    /** The account's token: the cached one, the one being fetched, or a new {@code exchange} started now. */
    Future<String> token(String account, Supplier<Future<Grant>> exchange) {
        AtomicReference<Slot> ref = slots.computeIfAbsent(account, k -> new AtomicReference<>(EMPTY));
        while (true) {
            Slot s = ref.get();
            if (s instanceof Ready r && clock.instant().isBefore(r.refreshAt())) return Future.succeededFuture(r.token());
            if (s instanceof Pending p) return p.token();
            Promise<String> promise = Promise.promise();
            Pending mine = new Pending(promise.future());
            if (!ref.compareAndSet(s, mine)) continue; // another caller started one first: share it
            Future<Grant> started;
            try {
                started = exchange.get();
            } catch (RuntimeException e) {
                started = Future.failedFuture(e);
            }
            started.onComplete(ar -> {
                if (ar.succeeded()) {
                    ref.compareAndSet(mine, new Ready(ar.result().accessToken(), refreshAt(ar.result().expiresInSeconds())));
                    promise.complete(ar.result().accessToken());
                } else {
                    ref.compareAndSet(mine, EMPTY);
                    promise.fail(ar.cause());
                }
            });
            return promise.future();
        }
    }

    /** Forgets {@code token} if it is still the account's (the provider refused it): the next call fetches a new one. */
    void invalidate(String account, String token) {
        AtomicReference<Slot> ref = slots.get(account);
        if (ref == null) return;
        Slot s = ref.get();
        if (s instanceof Ready r && r.token().equals(token)) ref.compareAndSet(s, EMPTY);
    }

    private Instant refreshAt(long expiresInSeconds) {
        long lifetime = Math.max(0, expiresInSeconds);
        long use = Math.max(lifetime - REFRESH_EARLY.toSeconds(), lifetime / 2);
        return clock.instant().plusSeconds(use);
    }
}
