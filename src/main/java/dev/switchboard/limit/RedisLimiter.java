package dev.switchboard.limit;

import dev.switchboard.observe.Metrics;
import dev.switchboard.redis.LuaScript;
import dev.switchboard.redis.RedisLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits and budgets shared by every instance through Redis, with the semantics of
 * {@link LocalLimiter} exactly: the same sliding logs, all or nothing over a request's scopes,
 * reservation and settlement.
 *
 * <p><b>Where the truth is.</b> Each scope has up to six keys under {@code <prefix><scope>:}:
 * {@code m} and {@code d}, the request logs of rpm and rpd (sorted sets, one member per request,
 * scored by its admission time); {@code t} and {@code tw}, the token log and its weights with a
 * running {@code sum}; {@code c}, the requests in flight (a sorted set, leased for
 * {@value #CONCURRENCY_LEASE_MS} ms so that an instance that died holding slots gives them back);
 * and {@code b}, the budget (period, start, spent, reserved, one {@code r:<id>} field per open
 * reservation), whose spend is never below the store's for the period ({@link StoredSpend}: a
 * ledger lost with Redis's memory, or started over by a changed period, does not hand the budget
 * out again). An admission is one EVALSHA of {@code redis/limit-admit.lua} over every scope of
 * the request; a settlement one of {@code redis/limit-settle.lua}, and none when the request holds
 * nothing to settle (rpm and rpd only). Times come from this instance's clock as arguments, never
 * from Redis, and the budget's UTC period is computed here ({@link BudgetPeriod}). Logs expire a
 * minute after their window, so scopes nobody uses vanish; a periodic budget an hour after its
 * period ends; a {@code total} budget never.
 *
 * <p><b>Instances that stop.</b> {@link #close} settles what the shutdown cut and awaits the last
 * settlements. A killed instance settles nothing: each instance renews a liveness key
 * ({@link Leases}), every admission that holds a slot or dollars names its scope in a set, and
 * every instance periodically gives back the holdings of instances whose key is gone
 * ({@code redis/limit-reap.lua}; a reservation id starts with its instance's id).
 *
 * <p><b>Redis outage.</b> While the link is down, or when a call fails, the router setting
 * {@code redisFailure} decides: {@code open} admits by an in-process {@link LocalLimiter} (its own
 * counts, from whatever it counted in earlier outages, its budgets from the store's spend as read
 * again when the outage began), {@code closed} answers
 * {@link Admission.Unavailable}. Either way the outage is logged once and counted in
 * {@code switchboard_limiter_fallback_total}. A settlement of a Redis admission that finds Redis
 * down is dropped, never thrown: its tokens and slot stay counted until their entries leave the
 * window or the lease ends, and its reservation until the budget key expires (a {@code total}
 * budget keeps it), so the damage is bounded by the keys' TTLs.
 *
 * <p><b>Threads.</b> Any thread may call; the answer comes on the caller's context when it has one.
 */
public final class RedisLimiter implements Limiter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);
    static final LuaScript ADMIT = LuaScript.load("/redis/limit-admit.lua");
    static final LuaScript SETTLE = LuaScript.load("/redis/limit-settle.lua");
    static final LuaScript REAP = LuaScript.load("/redis/limit-reap.lua");
    static final LuaScript LIVE = LuaScript.load("/redis/limit-live.lua");
    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;
    /** Longer than the longest default call ({@code totalMs} 600 000): a slot outlives its request only when an instance dies. */
    static final long CONCURRENCY_LEASE_MS = 15 * MINUTE;
    private static final long TTL_SLACK_MS = MINUTE;
    private static final long BUDGET_TTL_SLACK_MS = 60 * MINUTE;
    /** How long the admissions of an outage wait for the store's spend, at most. */
    private static final long FLOOR_WAIT_MS = 1_000;
    /** How long {@link #close} waits for the last settlements. */
    private static final long CLOSE_WAIT_MS = 3_000;

    /**
     * How an instance's holdings outlive it: it lives while its liveness key does ({@code liveMs},
     * renewed every {@code renewMs} and whenever the link comes up), and every {@code reapMs} each
     * instance gives back what dead ones held ({@code redis/limit-reap.lua}).
     */
    public record Leases(long liveMs, long renewMs, long reapMs) {
        public static final Leases DEFAULT = new Leases(30_000, 5_000, 15_000);
    }

    /** Where the keys live: scope {@code s} under {@code prefix + s + ":"}. Tests take a namespace of their own. */
    public record Names(String prefix) {
        public static final Names DEFAULT = under("");

        public static Names under(String namespace) {
            return new Names(namespace + "sb:limit:");
        }
    }

    private final RedisLink link;
    private final Names names;
    private final InstantSource clock;
    private final BooleanSupplier failOpen;
    private final LocalLimiter local;
    private final Metrics.Counter fallbacks;
    private final Leases leases;
    /**
     * This instance's id and liveness key, the registry of instances that announced themselves,
     * and the set of scopes where some request holds a slot or dollars.
     */
    private final String instance;
    private final String liveKey;
    private final String registryKey;
    private final String holdingKey;
    private final long renewTimer;
    private final long reapTimer;
    /** Unique across instances: a random prefix of this instance, then a counter. */
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    /** Redis admissions not settled yet: a shutdown gives back what they hold ({@link #close}). */
    private final Set<RedisTicket> open = ConcurrentHashMap.newKeySet();
    /** Settlements sent and not answered yet: a shutdown waits for them before the link closes. */
    private final Set<Future<Void>> settling = ConcurrentHashMap.newKeySet();
    private volatile Map<String, StoredSpend> stored = Map.of();
    /** Reads the store's spend again ({@link #rereadStoredSpendOnOutage}); null when nothing does. */
    private volatile Supplier<Future<?>> reread;
    /**
     * While an outage lasts (since the last call that failed, until one answers), the read of the
     * store's spend started when it began, done or not; null between outages. Set before anything
     * else of the outage, so every admission of it finds the read it must wait for.
     */
    private final AtomicReference<Future<?>> outageFloor = new AtomicReference<>();

    /**
     * @param failOpen read at each outage decision: true for {@code redisFailure: open} (local
     *                 limits), false for {@code closed} (refuse as unavailable)
     */
    public RedisLimiter(RedisLink link, Names names, InstantSource clock, Metrics metrics, BooleanSupplier failOpen) {
        this(link, names, clock, metrics, failOpen, Leases.DEFAULT);
    }

    RedisLimiter(RedisLink link, Names names, InstantSource clock, Metrics metrics, BooleanSupplier failOpen, Leases leases) {
        this.link = link;
        this.names = names;
        this.clock = clock;
        this.failOpen = failOpen;
        this.local = new LocalLimiter(clock);
        this.fallbacks = fallbackCounter(metrics);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.instance = HexFormat.of().formatHex(random);
        this.idPrefix = instance + "-";
        this.leases = leases;
        this.liveKey = names.prefix() + "live:" + instance;
        this.holdingKey = names.prefix() + "holding";
        this.registryKey = names.prefix() + "instances";
        this.renewTimer = link.vertx().setPeriodic(leases.renewMs(), t -> renew());
        this.reapTimer = link.vertx().setPeriodic(leases.reapMs(), t -> reap());
        link.addListener(new RedisLink.Listener() {
            @Override
            public void up() {
                recovered();
                renew();
            }

            @Override
            public void down(Throwable cause) {
                fallBack(cause.getMessage() != null ? cause.getMessage() : cause.toString());
            }
        });
    }

    /** {@code switchboard_limiter_fallback_total}; the gateway registers it without Redis too, so dashboards find it at 0. */
    public static Metrics.Counter fallbackCounter(Metrics metrics) {
        return metrics.counter("switchboard_limiter_fallback_total",
                "Times the limiter found Redis unreachable and applied redisFailure (open: in-process limits, closed: 503)");
    }

    @Override
    public void storedSpend(Map<String, StoredSpend> spend) {
        stored = Map.copyOf(spend);
        local.storedSpend(stored); // an outage's in-process counting starts from it too
    }

    /**
     * What reads the store's spend again when an outage begins: the in-process counting then starts
     * from the spend as it is now, not as the last refresh found it minutes ago (which handed the
     * spend since then out again, once on every instance).
     */
    public void rereadStoredSpendOnOutage(Supplier<Future<?>> reread) {
        this.reread = reread;
    }

    /** Keeps this instance alive in Redis: its holdings are its own while the key lasts. */
    private void renew() {
        if (!link.up()) return;
        LIVE.run(link, List.of(registryKey, liveKey), List.of(instance, Long.toString(leases.liveMs())))
                .onFailure(e -> LOG.debug("liveness not renewed: {}", e.toString()));
    }

    /** Gives back the slots and reservations of instances that stopped living (killed mid-request). */
    private void reap() {
        if (!link.up()) return;
        REAP.run(link, List.of(holdingKey, registryKey), List.of(names.prefix() + "live:")).onComplete(ar -> {
            if (ar.failed()) LOG.debug("reaping not done: {}", ar.cause().toString());
            else if (ar.result().toLong() > 0) {
                LOG.info("gave back {} concurrency slots and budget reservations held by instances that stopped", ar.result().toLong());
            }
        });
    }

    /** {@code redis} while admissions go to Redis, else {@code local-fallback}. */
    public String mode() {
        return outageFloor.get() != null || !link.up() ? "local-fallback" : "redis";
    }

    @Override
    public Future<Admission> admit(List<Quota> quotas, Demand demand) {
        List<Quota> counted = new ArrayList<>(quotas.size());
        for (Quota q : quotas) if (q.counts()) counted.add(q);
        if (counted.isEmpty()) return Future.succeededFuture(new Admission.Admitted(Admission.Ticket.NONE, RateHeaders.NONE));
        if (!link.up()) return outage(quotas, demand, "Redis at " + link.display() + " is unreachable");
        counted.sort(Comparator.comparing(Quota::scope));
        long now = clock.millis();
        String id = idPrefix + Long.toString(ids.incrementAndGet(), 36);
        List<String> keys = new ArrayList<>(counted.size() * 6);
        List<String> args = new ArrayList<>(6 + counted.size() * 10);
        args.addAll(List.of(Long.toString(now), id, Long.toString(demand.tokens()), Double.toString(demand.usd()),
                Long.toString(CONCURRENCY_LEASE_MS), Long.toString(TTL_SLACK_MS)));
        for (Quota q : counted) {
            String p = names.prefix() + q.scope() + ":";
            keys.addAll(List.of(p + "m", p + "d", p + "t", p + "tw", p + "c", p + "b"));
            BudgetPeriod period = q.hasBudget() ? BudgetPeriod.of(q.budget().period()) : BudgetPeriod.TOTAL;
            long start = period.startMs(now);
            long end = period.endMs(now);
            StoredSpend floor = q.hasBudget() ? stored.get(q.scope()) : null;
            args.addAll(List.of(orNone(q.rpm()), orNone(q.rpd()), orNone(q.tpm()),
                    orNone(q.maxConcurrent() == null ? null : (long) q.maxConcurrent()),
                    q.hasBudget() ? "1" : "0", q.hasBudget() ? Double.toString(q.budget().maxUsd()) : "0",
                    period.name(), Long.toString(start),
                    Long.toString(end == Long.MAX_VALUE ? 0 : end - now + BUDGET_TTL_SLACK_MS),
                    floor == null ? "0" : Double.toString(floor.floorFor(period, start))));
        }
        keys.add(holdingKey);
        return ADMIT.run(link, keys, args)
                .map(r -> {
                    recovered();
                    return answer(counted, demand, now, id, r);
                })
                .recover(e -> {
                    link.suspect(e);
                    return outage(quotas, demand, e.getMessage() != null ? e.getMessage() : e.toString());
                });
    }

    private static String orNone(Long limit) {
        return limit == null ? "-1" : Long.toString(limit);
    }

    private Admission answer(List<Quota> counted, Demand demand, long now, String id, Response r) {
        boolean admitted = r.get(0).toLong() == 1;
        int denied = r.get(1).toInteger();
        int reason = r.get(2).toInteger();
        int shown = admitted ? counted.size() : denied;
        RateHeaders headers = RateHeaders.NONE;
        for (int i = 0; i < shown; i++) headers = headers.tighter(Figures.of(r, i).headers(counted.get(i), now));
        if (admitted) {
            RedisTicket ticket = new RedisTicket(counted, id);
            open.add(ticket);
            return new Admission.Admitted(ticket, headers);
        }
        Quota q = counted.get(denied - 1);
        Figures f = Figures.of(r, denied - 1);
        return switch (reason) {
            case 1 -> new Admission.Denied(false, Math.max(1, f.minuteOldest + MINUTE - now), q.scope(), headers);
            case 2 -> new Admission.Denied(false, Math.max(1, f.dayOldest + DAY - now), q.scope(), headers);
            case 3 -> new Admission.Denied(false, Math.max(1, f.tokensOldest + MINUTE - now), q.scope(), headers);
            case 4 -> new Admission.Denied(false, 1000, q.scope(), headers);
            case 6 -> new Admission.Denied(true, true, Admission.Denied.HELD_RETRY_MS, q.scope(), headers);
            default -> {
                long end = BudgetPeriod.of(q.budget().period()).endMs(now);
                yield new Admission.Denied(true, end == Long.MAX_VALUE ? -1 : end - now, q.scope(), headers);
            }
        };
    }

    /** One scope's windows as the script saw them: counts, sums, and the oldest entry's time (-1 when empty). */
    private record Figures(long minuteCount, long minuteOldest, long dayCount, long dayOldest, long tokens, long tokensOldest) {

        static Figures of(Response r, int scope) {
            int b = 3 + scope * 6;
            return new Figures(r.get(b).toLong(), r.get(b + 1).toLong(), r.get(b + 2).toLong(), r.get(b + 3).toLong(),
                    r.get(b + 4).toLong(), r.get(b + 5).toLong());
        }

        /** As {@link LocalLimiter} shows them: rpm before rpd for requests; reset when the oldest entry leaves. */
        RateHeaders headers(Quota q, long now) {
            return RateHeaders.of(q, minuteCount, minuteOldest < 0 ? 0 : minuteOldest + MINUTE - now,
                    dayCount, dayOldest < 0 ? 0 : dayOldest + DAY - now, tokens, tokensOldest < 0 ? 0 : tokensOldest + MINUTE - now);
        }
    }

    private Future<Admission> outage(List<Quota> quotas, Demand demand, String why) {
        fallBack(why);
        if (!failOpen.getAsBoolean()) return Future.succeededFuture(new Admission.Unavailable());
        Future<?> floor = outageFloor.get();
        if (floor == null || floor.isComplete()) return local.admit(quotas, demand);
        // admitted once the store's spend is read (a failed read leaves the last figures): on the caller's context
        Context context = Vertx.currentContext();
        Promise<Admission> answer = Promise.promise();
        floor.onComplete(ignored -> {
            if (context == null) answer.complete(local.admitNow(quotas, demand));
            else context.runOnContext(v -> answer.complete(local.admitNow(quotas, demand)));
        });
        return answer.future();
    }

    /** An outage begins, once (logged, counted, its spend read started); later calls of it do nothing. */
    private void fallBack(String why) {
        if (outageFloor.get() != null) return;
        Promise<Void> read = Promise.promise();
        if (!outageFloor.compareAndSet(null, read.future())) return;
        fallbacks.increment();
        LOG.warn("Redis at {} is unreachable ({}): limits and budgets follow redisFailure ({}) until it answers",
                link.display(), why, failOpen.getAsBoolean() ? "open: in-process limits" : "closed: requests refused with 503");
        Supplier<Future<?>> r = reread;
        if (r == null) read.complete();
        else atMost(r.get(), FLOOR_WAIT_MS).onComplete(done -> read.tryComplete());
    }

    /**
     * {@code read}, or its end after {@code ms} when it takes longer: a store that went down with
     * Redis (a partition) must not hold every admission of the outage; the last figures then stay.
     */
    private Future<?> atMost(Future<?> read, long ms) {
        Promise<Void> done = Promise.promise();
        read.onComplete(ignored -> done.tryComplete());
        long timer = link.vertx().setTimer(ms, t -> done.tryComplete());
        done.future().onComplete(ignored -> link.vertx().cancelTimer(timer));
        return done.future();
    }

    private void recovered() {
        // read first: every admission passes here, and a compare-and-set claims the cache line even when it fails
        Future<?> outage = outageFloor.get();
        if (outage != null && outageFloor.compareAndSet(outage, null)) {
            LOG.info("Redis at {} answers again: limits and budgets are shared again", link.display());
        }
    }

    /** A Redis admission's reservation: which scopes hold tokens, a slot or dollars under {@code id}. */
    private final class RedisTicket implements Admission.Ticket {
        private final List<Quota> quotas;
        private final String id;
        private final AtomicBoolean settled = new AtomicBoolean();

        RedisTicket(List<Quota> quotas, String id) {
            this.quotas = quotas;
            this.id = id;
        }

        @Override
        public Future<Void> settle(long tokens, double usd) {
            if (!settled.compareAndSet(false, true)) return Future.succeededFuture();
            open.remove(this);
            long now = clock.millis();
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of(Long.toString(now), id, Long.toString(tokens), Double.toString(usd)));
            for (Quota q : quotas) {
                if (q.tpm() == null && q.maxConcurrent() == null && !q.hasBudget()) continue;
                String p = names.prefix() + q.scope() + ":";
                keys.addAll(List.of(p + "t", p + "tw", p + "c", p + "b"));
                BudgetPeriod period = q.hasBudget() ? BudgetPeriod.of(q.budget().period()) : BudgetPeriod.TOTAL;
                args.addAll(List.of(q.tpm() != null ? "1" : "0", q.maxConcurrent() != null ? "1" : "0", q.hasBudget() ? "1" : "0",
                        period.name() + ":" + period.startMs(now)));
            }
            if (keys.isEmpty()) return Future.succeededFuture();
            if (!link.up()) {
                LOG.debug("Redis is down: the settlement of {} is dropped (its entries expire with their keys)", id);
                return Future.succeededFuture();
            }
            Future<Void> sent = SETTLE.run(link, keys, args).<Void>mapEmpty().recover(e -> {
                link.suspect(e);
                LOG.debug("the settlement of {} is dropped: {}", id, e.toString());
                return Future.succeededFuture();
            });
            settling.add(sent);
            sent.onComplete(done -> settling.remove(sent));
            return sent;
        }
    }

    /**
     * Before the link closes (the caller's to close): the requests a shutdown cut before they
     * settled give back what they hold (their slots, tokens and reserved dollars; they failed, so
     * they cost nothing), and the settlements under way are awaited, for up to
     * {@value #CLOSE_WAIT_MS} ms. Else a slot stays taken until its lease ends and a {@code total}
     * budget's reservation for good. The local fallback holds nothing open.
     */
    @Override
    public void close() {
        link.vertx().cancelTimer(renewTimer);
        link.vertx().cancelTimer(reapTimer);
        List<Future<Void>> last = new ArrayList<>();
        for (RedisTicket t : open) last.add(t.settle(0, 0));
        last.addAll(settling);
        try {
            Future.join(last).toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            // nothing held any more: this instance is gone
            if (link.up()) link.send(Request.cmd(Command.DEL).arg(liveKey)).toCompletionStage().toCompletableFuture()
                    .get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("{} settlements were not answered before Redis closed: {}", last.size(), e.toString());
        }
    }
}
