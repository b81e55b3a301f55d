package dev.switchboard.limit;

import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits and budgets in this process, exactly: every window is a log of admission times (not an
 * approximation by buckets), so {@code rpm: N} admits N requests in any 60-second window and the
 * N+1st waits for the oldest to leave it.
 *
 * <p>Concurrency: each scope's state has a lock, held only for the O(1) arithmetic of one check or
 * settlement, never across I/O or a callback. A request with a key and a team takes both locks in
 * scope order (so two requests never wait on each other in a cycle), checks every scope, and only
 * then counts itself in every scope: all or nothing.
 *
 * <p>Admission follows CONTRACT.md: a window admits while what it holds (requests; tokens used
 * and reserved) is below the limit, and a budget while spent + reserved is below {@code maxUsd};
 * the request then reserves its estimate, and settlement replaces the estimate with the actual
 * figures. A window or budget is overrun by at most the one request that was admitted last.
 */
public final class LocalLimiter implements Limiter {

    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;
    /**
     * A budget is spent once its spend is within a billionth of it: a sum of costs drifts in
     * floating point (200 requests of 15e-6 USD add up to 0.0029999999999999914), and a budget of
     * exactly K requests must not admit a K+1st. As limit-admit.lua does.
     */
    static final double SPENT = 1 - 1e-9;

    private final InstantSource clock;
    private final ConcurrentHashMap<String, ScopeState> states = new ConcurrentHashMap<>();
    private volatile Map<String, StoredSpend> stored = Map.of();

    public LocalLimiter(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Future<Admission> admit(List<Quota> quotas, Demand demand) {
        return Future.succeededFuture(admitNow(quotas, demand));
    }

    @Override
    public void storedSpend(Map<String, StoredSpend> spend) {
        stored = Map.copyOf(spend);
    }

    Admission admitNow(List<Quota> quotas, Demand demand) {
        List<Quota> counted = new ArrayList<>(quotas.size());
        for (Quota q : quotas) if (q.counts()) counted.add(q);
        if (counted.isEmpty()) return new Admission.Admitted(Admission.Ticket.NONE, RateHeaders.NONE);
        counted.sort(Comparator.comparing(Quota::scope));
        List<ScopeState> locked = new ArrayList<>(counted.size());
        for (Quota q : counted) locked.add(states.computeIfAbsent(q.scope(), s -> new ScopeState()));
        long now = clock.millis();
        for (ScopeState s : locked) s.lock.lock();
        try {
            RateHeaders headers = RateHeaders.NONE;
            Admission.Denied held = null; // a budget only held by reservations: answered when no other scope refuses
            for (int i = 0; i < counted.size(); i++) {
                Quota q = counted.get(i);
                ScopeState s = locked.get(i);
                s.roll(q, now, stored.get(q.scope()));
                headers = headers.tighter(s.headers(q, now));
                Admission.Denied denied = s.check(q, now);
                if (denied != null && denied.held()) {
                    if (held == null) held = new Admission.Denied(true, true, denied.retryAfterMs(), q.scope(), headers);
                } else if (denied != null) {
                    return new Admission.Denied(denied.budget(), false, denied.retryAfterMs(), q.scope(), headers);
                }
            }
            if (held != null) return held;
            List<Reservation> reservations = new ArrayList<>(counted.size());
            headers = RateHeaders.NONE;
            for (int i = 0; i < counted.size(); i++) {
                Reservation r = locked.get(i).reserve(counted.get(i), demand, now);
                reservations.add(r);
                headers = headers.tighter(locked.get(i).headers(counted.get(i), now));
            }
            return new Admission.Admitted(new LocalTicket(reservations), headers);
        } finally {
            for (ScopeState s : locked) s.lock.unlock();
        }
    }

    /** One scope's counters. */
    private static final class ScopeState {
        final ReentrantLock lock = new ReentrantLock();
        // everything below is guarded by lock
        final TimeRing minute = new TimeRing(MINUTE);
        final TimeRing day = new TimeRing(DAY);
        final TimeRing tokens = new TimeRing(MINUTE);
        int inFlight;
        BudgetPeriod period;
        long periodStartMs = -1;
        double spentUsd;
        double reservedUsd;

        /** Evicts what left the windows; a budget moves to the current period, and counts at least what the store says. */
        void roll(Quota q, long now, StoredSpend storedSpend) {
            minute.evict(now);
            day.evict(now);
            tokens.evict(now);
            if (q.hasBudget()) {
                BudgetPeriod p = BudgetPeriod.of(q.budget().period());
                long start = p.startMs(now);
                if (p != period || start != periodStartMs) {
                    // a new period (or a new kind of period): counting starts again; reservations carry
                    period = p;
                    periodStartMs = start;
                    spentUsd = 0;
                }
                if (storedSpend != null) spentUsd = Math.max(spentUsd, storedSpend.floorFor(p, start));
            }
        }

        Admission.Denied check(Quota q, long now) {
            if (q.rpm() != null && minute.count() >= q.rpm()) return rate(minute.oldestExpiryMs(now) - now);
            if (q.rpd() != null && day.count() >= q.rpd()) return rate(day.oldestExpiryMs(now) - now);
            if (q.tpm() != null && tokens.sum() >= q.tpm()) return rate(tokens.oldestExpiryMs(now) - now);
            if (q.maxConcurrent() != null && inFlight >= q.maxConcurrent()) return rate(1000);
            if (q.hasBudget() && spentUsd + reservedUsd >= q.budget().maxUsd() * SPENT) {
                if (spentUsd < q.budget().maxUsd() * SPENT) {
                    return new Admission.Denied(true, true, Admission.Denied.HELD_RETRY_MS, q.scope(), RateHeaders.NONE);
                }
                long end = period.endMs(now);
                return new Admission.Denied(true, end == Long.MAX_VALUE ? -1 : end - now, q.scope(), RateHeaders.NONE);
            }
            return null;
        }

        private static Admission.Denied rate(long retryAfterMs) {
            return new Admission.Denied(false, Math.max(1, retryAfterMs), null, RateHeaders.NONE);
        }

        Reservation reserve(Quota q, Demand demand, long now) {
            if (q.rpm() != null) minute.add(now, 0);
            if (q.rpd() != null) day.add(now, 0);
            long tokenSeq = q.tpm() != null ? tokens.add(now, demand.tokens()) : -1;
            boolean concurrent = q.maxConcurrent() != null;
            if (concurrent) inFlight++;
            double usd = q.hasBudget() ? demand.usd() : 0;
            reservedUsd += usd;
            return new Reservation(this, tokenSeq, concurrent, usd);
        }

        RateHeaders headers(Quota q, long now) {
            return RateHeaders.of(q, minute.count(), minute.oldestExpiryMs(now) - now, day.count(), day.oldestExpiryMs(now) - now,
                    tokens.sum(), tokens.oldestExpiryMs(now) - now);
        }

        void settle(Reservation r, long actualTokens, double actualUsd, long now) {
            lock.lock();
            try {
                if (r.tokenSeq >= 0) tokens.reweigh(r.tokenSeq, actualTokens);
                if (r.concurrent) inFlight--;
                reservedUsd -= r.usd;
                if (reservedUsd < 1e-12) reservedUsd = Math.max(0, reservedUsd);
                if (period != null) {
                    long start = period.startMs(now);
                    if (start != periodStartMs) {
                        periodStartMs = start;
                        spentUsd = 0;
                    }
                    spentUsd += actualUsd;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private record Reservation(ScopeState state, long tokenSeq, boolean concurrent, double usd) {}

    private final class LocalTicket implements Admission.Ticket {
        private final List<Reservation> reservations;
        private boolean settled;

        LocalTicket(List<Reservation> reservations) {
            this.reservations = reservations;
        }

        @Override
        public Future<Void> settle(long tokens, double usd) {
            if (settled) return Future.succeededFuture(); // settled on the request's event loop only
            settled = true;
            long now = clock.millis();
            for (Reservation r : reservations) r.state.settle(r, tokens, usd, now);
            return Future.succeededFuture();
        }
    }
}
