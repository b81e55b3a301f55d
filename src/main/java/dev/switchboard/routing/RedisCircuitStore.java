package dev.switchboard.routing;

import dev.switchboard.observe.Metrics;
import dev.switchboard.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Circuit state shared by every instance through Redis.
 *
 * <p><b>Where the truth is.</b> Each circuit is a Redis hash {@code sb:circuit:<key>} with the
 * fields of {@link CircuitState} plus {@code ver}, and a TTL (longest cooldown + failure window +
 * probe lease + a minute) so that circuits nobody touches any more disappear. Every write is one
 * EVALSHA of {@code redis/circuit.lua}, which applies the same transition as {@link CircuitPolicy}
 * atomically (the policy's numbers travel as arguments), stamps the change with the next number
 * of a namespace-wide counter ({@code ver}) and publishes it on {@code switchboard:circuit}. The
 * script is loaded when Redis comes up and sent as a plain EVAL once when Redis answers NOSCRIPT
 * (it restarted, or SCRIPT FLUSH ran), which caches it again.
 *
 * <p><b>Reads never wait.</b> {@link #state} answers from {@link #mirror}, which three sources
 * refresh: the results of this instance's own writes, the changes other instances publish, and a
 * resync of every key in it whenever the subscription is (re)established. Those may arrive out of
 * order (the replies and the messages travel on different connections), so an update is taken
 * only when its {@code ver} is at least the one held. After a reconnect the held numbers are reset
 * to 0 first: a Redis that restarted empty counts from 1 again.
 *
 * <p><b>Redis outage.</b> While Redis is unreachable the store runs on the mirror alone, exactly
 * as {@link LocalCircuitStore} does (same policy, one {@link ConcurrentHashMap#compute} per
 * transition): mode {@code local-fallback}, logged once per outage and counted in
 * {@code switchboard_circuit_store_fallback_total}. A write that fails because Redis went away
 * during the call is applied locally too: callers never see a failure from this store. Circuits
 * changed locally are marked dirty; the resync after the reconnect sends them along, and Redis
 * keeps whichever of the two is open longer (a circuit opened during the outage stays open for
 * everyone), then the mode is {@code redis} again.
 *
 * <p><b>Threads.</b> Any event loop may call any method. The mirror and the dirty set are
 * concurrent maps; {@link #synced} is volatile. Futures complete on the caller's context (the Redis
 * client's pool hands each caller its answer there), which the HTTP server's strict thread mode needs.
 */
public final class RedisCircuitStore implements CircuitStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCircuitStore.class);
    static final String SCRIPT = loadScript();
    static final String SCRIPT_SHA = sha1(SCRIPT);
    private static final long TTL_SLACK_MS = 60_000;

    /**
     * Where this store's data lives in Redis: the hash of circuit {@code k} is {@code keyPrefix + k}.
     * Tests give each run a namespace of its own on a shared Redis.
     */
    public record Names(String keyPrefix, String counterKey, String channel) {
        public static final Names DEFAULT = under("");

        /** The default names, each preceded by {@code namespace} (empty for production). */
        public static Names under(String namespace) {
            return new Names(namespace + "sb:circuit:", namespace + "sb:circuit-ver", namespace + "switchboard:circuit");
        }
    }

    /** What this instance knows of one circuit, and the number of the change it comes from. */
    private record Known(long ver, CircuitState state) {}

    private final RedisLink link;
    private final Names names;
    private final Metrics.Counter fallbacks;
    private final ConcurrentHashMap<String, Known> mirror = new ConcurrentHashMap<>();
    /** Circuits changed in this process while Redis did not take the change. */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** Redis is up and the mirror has been resynced since it came up: writes go to Redis. */
    private volatile boolean synced;
    /** In local-fallback since the last time Redis was synced (or since the start): logs and counts once per outage. */
    private final AtomicBoolean inFallback = new AtomicBoolean();
    /** Completes with true at the first sync, or false when the start found no Redis. */
    private final Promise<Boolean> firstSync = Promise.promise();

    public RedisCircuitStore(RedisLink link, Names names, Metrics metrics) {
        this.link = link;
        this.names = names;
        this.fallbacks = fallbackCounter(metrics);
        link.subscribe(names.channel(), this::published);
        link.addListener(new RedisLink.Listener() {
            @Override
            public void up() {
                resync();
            }

            @Override
            public void down(Throwable cause) {
                fallBack(cause.getMessage());
            }
        });
    }

    /**
     * {@code switchboard_circuit_store_fallback_total}: outages of Redis this store lived through.
     * The gateway registers it without Redis too, so dashboards find it at 0.
     */
    public static Metrics.Counter fallbackCounter(Metrics metrics) {
        return metrics.counter("switchboard_circuit_store_fallback_total",
                "Times the circuit store fell back to in-process state because Redis was unreachable");
    }

    /**
     * Completes once the store has first synced with Redis (true), or when {@link #startedWithoutRedis}
     * declared the start an outage (false).
     */
    public Future<Boolean> firstSync() {
        return firstSync.future();
    }

    /** Called when the start could not wait any longer for Redis: no Redis at start is an outage too. */
    public void startedWithoutRedis() {
        if (!synced) {
            fallBack("no answer at start");
            firstSync.tryComplete(false);
        }
    }

    @Override
    public CircuitState state(String key) {
        Known k = mirror.get(key);
        return k == null ? CircuitState.CLOSED : k.state();
    }

    @Override
    public String mode() {
        return synced ? "redis" : "local-fallback";
    }

    @Override
    public Future<Boolean> claimProbe(String key, CircuitPolicy policy, long nowMs) {
        if (!synced) return Future.succeededFuture(claimLocally(key, policy, nowMs));
        return eval("claim", key, policy, nowMs, 0, null)
                .map(r -> r.changed)
                .recover(e -> {
                    link.suspect(e);
                    return Future.succeededFuture(claimLocally(key, policy, nowMs));
                });
    }

    @Override
    public Future<CircuitState> success(String key, CircuitPolicy policy, long nowMs) {
        if (state(key).clean()) return Future.succeededFuture(CircuitState.CLOSED);
        return write("success", key, policy, nowMs, 0, s -> policy.success(s, nowMs));
    }

    @Override
    public Future<CircuitState> failure(String key, CircuitPolicy policy, long nowMs) {
        return write("failure", key, policy, nowMs, 0, s -> policy.failure(s, nowMs));
    }

    @Override
    public Future<CircuitState> throttle(String key, CircuitPolicy policy, long nowMs, long retryAfterMs) {
        return write("throttle", key, policy, nowMs, retryAfterMs, s -> policy.throttle(s, nowMs, retryAfterMs));
    }

    @Override
    public Future<CircuitState> quarantine(String key, CircuitPolicy policy, long nowMs) {
        return write("quarantine", key, policy, nowMs, 0, s -> policy.quarantine(s, nowMs));
    }

    @Override
    public Future<CircuitState> releaseProbe(String key, CircuitPolicy policy, long nowMs) {
        return write("release", key, policy, nowMs, 0, s -> policy.releaseProbe(s, nowMs));
    }

    private Future<CircuitState> write(String op, String key, CircuitPolicy policy, long nowMs, long retryAfterMs,
                                       UnaryOperator<CircuitState> local) {
        if (!synced) return Future.succeededFuture(applyLocally(key, local));
        return eval(op, key, policy, nowMs, retryAfterMs, null)
                .map(r -> r.state)
                .recover(e -> {
                    link.suspect(e);
                    return Future.succeededFuture(applyLocally(key, local));
                });
    }

    // ------------------------------------------------------------------ local (fallback) transitions

    private CircuitState applyLocally(String key, UnaryOperator<CircuitState> transition) {
        Known next = mirror.compute(key, (k, known) -> {
            CircuitState s = known == null ? CircuitState.CLOSED : known.state();
            CircuitState n = transition.apply(s);
            if (!n.equals(s)) dirty.add(k);
            return new Known(known == null ? 0 : known.ver(), n);
        });
        return next.state();
    }

    private boolean claimLocally(String key, CircuitPolicy policy, long nowMs) {
        boolean[] claimed = {false};
        mirror.computeIfPresent(key, (k, known) -> {
            CircuitState next = policy.claimProbe(known.state(), nowMs);
            if (next == null) return known;
            claimed[0] = true;
            dirty.add(k);
            return new Known(known.ver(), next);
        });
        return claimed[0];
    }

    // ------------------------------------------------------------------ Redis

    /** The script's answer: whether it changed the circuit (for a claim: whether this caller won). */
    private record Result(boolean changed, long ver, CircuitState state) {}

    private Future<Result> eval(String op, String key, CircuitPolicy policy, long nowMs, long retryAfterMs, CircuitState mine) {
        return send(Command.EVALSHA, SCRIPT_SHA, op, key, policy, nowMs, retryAfterMs, mine)
                .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                        ? send(Command.EVAL, SCRIPT, op, key, policy, nowMs, retryAfterMs, mine)
                        : Future.failedFuture(e))
                .map(r -> {
                    Result result = new Result(r.get(0).toLong() == 1, r.get(1).toLong(), new CircuitState(r.get(2).toInteger(),
                            r.get(3).toLong(), r.get(4).toLong(), r.get(5).toInteger(), r.get(6).toLong()));
                    learn(key, result.ver(), result.state());
                    return result;
                });
    }

    private Future<Response> send(Command command, String script, String op, String key, CircuitPolicy p, long nowMs,
                                  long retryAfterMs, CircuitState mine) {
        Request r = Request.cmd(command).arg(script).arg(2).arg(names.keyPrefix() + key).arg(names.counterKey())
                .arg(op).arg(nowMs).arg(p.allowedFails()).arg(p.windowMs()).arg(p.initialCooldownMs()).arg(p.maxCooldownMs())
                .arg(p.probeLeaseMs()).arg(retryAfterMs).arg(ttlMs(p)).arg(names.channel()).arg(key);
        if (mine != null) {
            r.arg(mine.fails()).arg(mine.windowStartMs()).arg(mine.openUntilMs()).arg(mine.level()).arg(mine.probeUntilMs());
        }
        return link.send(r);
    }

    private static long ttlMs(CircuitPolicy p) {
        return p.maxCooldownMs() + p.windowMs() + p.probeLeaseMs() + TTL_SLACK_MS;
    }

    /**
     * Deletes the shared entries of every circuit this instance knows and forgets them here. Other
     * instances keep their mirrors until a change is published for those keys (they reopen or close).
     */
    @Override
    public Future<Void> reset() {
        List<String> keys = List.copyOf(mirror.keySet());
        mirror.clear();
        dirty.clear();
        if (keys.isEmpty() || !synced) return Future.succeededFuture();
        Request del = Request.cmd(Command.DEL);
        for (String k : keys) del.arg(names.keyPrefix() + k);
        return link.send(del).mapEmpty();
    }

    /** Takes a state into the mirror unless a later change is already there. */
    private void learn(String key, long ver, CircuitState state) {
        mirror.merge(key, new Known(ver, state), (held, fresh) -> fresh.ver() >= held.ver() ? fresh : held);
    }

    /** A change another instance (or this one) made: "ver|fails|windowStartMs|openUntilMs|level|probeUntilMs|key". */
    private void published(String message) {
        String[] f = message.split("\\|", 7);
        if (f.length != 7) {
            LOG.warn("ignoring a malformed circuit message ({} fields)", f.length);
            return;
        }
        learn(f[6], Long.parseLong(f[0]), new CircuitState(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Integer.parseInt(f[4]), Long.parseLong(f[5])));
    }

    /** On the link's context, after every (re)subscription: read back every known circuit, sending the dirty ones along. */
    private void resync() {
        mirror.replaceAll((k, known) -> new Known(0, known.state()));
        link.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).onComplete(loaded -> {
            if (loaded.succeeded() && !SCRIPT_SHA.equals(loaded.result().toString())) {
                LOG.error("Redis hashed the circuit script to {}, expected {}", loaded.result(), SCRIPT_SHA);
            }
            syncAll(); // on a failure the EVAL fallback loads it, or the sync fails and the next reconnect retries
        });
    }

    private void syncAll() {
        List<Future<Result>> reads = new ArrayList<>();
        // the policy numbers do not matter to a sync; a long TTL keeps a pushed circuit until its own cooldown ends
        for (String key : List.copyOf(mirror.keySet())) {
            boolean pushed = dirty.remove(key);
            CircuitState mine = pushed ? state(key) : CircuitState.CLOSED;
            reads.add(eval("sync", key, SYNC_POLICY, 0, 0, mine).onFailure(e -> {
                if (pushed) dirty.add(key);
            }));
        }
        Future.join(reads).onComplete(ar -> {
            if (ar.failed() || !link.up()) {
                LOG.warn("circuit resync with Redis failed; staying in local-fallback until it reconnects: {}", ar.cause() == null ? "down" : ar.cause().toString());
                link.suspect(ar.cause() == null ? new IllegalStateException("down") : ar.cause());
                return;
            }
            synced = true;
            firstSync.tryComplete(true);
            if (inFallback.compareAndSet(true, false)) {
                LOG.info("Redis at {} answers again: circuit state is shared again ({} circuits resynced)", link.display(), reads.size());
            }
        });
    }

    /** Only its TTL matters to a sync: the longest a circuit could stay open (a day covers any sane cooldown). */
    private static final CircuitPolicy SYNC_POLICY = new CircuitPolicy(1, 0, 0, 86_400_000L, 0);

    private void fallBack(String why) {
        if (inFallback.compareAndSet(false, true)) {
            fallbacks.increment();
            LOG.warn("Redis at {} is unreachable ({}): circuit state is kept in this process until it answers", link.display(), why);
        }
        synced = false; // after the count: whoever sees the mode local-fallback sees the outage counted
    }

    private static String loadScript() {
        try (InputStream in = RedisCircuitStore.class.getResourceAsStream("/redis/circuit.lua")) {
            if (in == null) throw new IllegalStateException("redis/circuit.lua is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The link is the caller's to close (it may carry other state); this store holds nothing else open. */
    @Override
    public void close() {
    }
}
