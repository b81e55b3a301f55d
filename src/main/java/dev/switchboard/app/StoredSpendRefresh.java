package dev.switchboard.app;

import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.SnapshotHolder;
import dev.switchboard.limit.BudgetPeriod;
import dev.switchboard.limit.Limiter;
import dev.switchboard.limit.StoredSpend;
import dev.switchboard.store.UsageRepository;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the limiter's {@link StoredSpend} current: read before the gateway serves, for a new config
 * snapshot whose budgets changed before it is put in force (a budget added, its period changed:
 * the first request under the new budget already counts what was spent), when Redis answers again
 * (its ledgers may be gone), and every five minutes. Blocking JDBC, on the config loader's thread
 * or a thread of its own; the request path only reads the map it leaves in the limiter. While the
 * store does not answer, the last figures stay.
 */
final class StoredSpendRefresh implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredSpendRefresh.class);
    private static final long REFRESH_MS = 300_000;
    private static final long SETTLED_MS = 3_000;

    private final SnapshotHolder snapshots;
    private final UsageRepository usage;
    private final Limiter limiter;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-stored-spend");
        t.setDaemon(true);
        return t;
    });

    /** The budgets the last refresh read for. */
    private volatile Map<String, BudgetPeriod> budgets = Map.of();

    StoredSpendRefresh(SnapshotHolder snapshots, UsageRepository usage, Limiter limiter, Clock clock) {
        this.snapshots = snapshots;
        this.usage = usage;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** Reads the spend now, then every five minutes; throws when the store cannot be read at start. */
    void start() {
        int scopes = refresh(snapshots.get());
        if (scopes > 0) LOG.info("budgets: spend of the current period read for {} keys and teams from usage records", scopes);
        thread.scheduleWithFixedDelay(() -> refreshQuietly(snapshots.get()), REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the spend again now, on this refresher's thread (Redis came back, and a Redis that
     * restarted without persistence lost every budget's ledger; an outage began); done when the
     * figures are in the limiter, or the store did not answer.
     */
    Future<?> refreshNow() {
        try {
            return Future.fromCompletionStage(CompletableFuture.runAsync(() -> refreshQuietly(snapshots.get()), thread));
        } catch (RejectedExecutionException closed) {
            return Future.succeededFuture(); // the gateway is closing: the last figures stay
        }
    }

    /**
     * For {@link ConfigSync#beforePublish}: the spend under {@code next}'s budgets, when they
     * changed; never throws. Read again {@value #SETTLED_MS} ms later too: the other instances
     * served the key without its budget until they saw the change (up to a second), and those
     * requests' records reach the store a second or so after they end.
     */
    void onSnapshot(ConfigSnapshot next) {
        if (StoredSpend.budgets(next).equals(budgets)) return;
        refreshQuietly(next);
        // one read later for a burst of changes (a script making a thousand keys), not one each
        if (settledRead.compareAndSet(false, true)) {
            try {
                thread.schedule(() -> {
                    settledRead.set(false);
                    refreshQuietly(snapshots.get());
                }, SETTLED_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                settledRead.set(false);
            }
        }
    }

    /** Whether the read {@value #SETTLED_MS} ms after a budget change is already scheduled. */
    private final AtomicBoolean settledRead = new AtomicBoolean();

    private void refreshQuietly(ConfigSnapshot s) {
        try {
            refresh(s);
        } catch (RuntimeException e) {
            LOG.warn("budgets: the spend in the store could not be read ({}); the last figures stay", e.getMessage());
        }
    }

    private synchronized int refresh(ConfigSnapshot s) {
        Map<String, BudgetPeriod> now = StoredSpend.budgets(s);
        Map<String, StoredSpend> spend = now.isEmpty() ? Map.of() : StoredSpend.of(now, usage, clock.millis());
        limiter.storedSpend(spend);
        budgets = now;
        return spend.size();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
