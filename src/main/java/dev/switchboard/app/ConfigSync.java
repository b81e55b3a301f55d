package dev.switchboard.app;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.ConfigState;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.config.SnapshotHolder;
import dev.switchboard.store.RouterSettingsRepository;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's config snapshot in step with the store. {@link #reload()} reads the
 * store and swaps in a new snapshot; an admin write calls it at once, and a poll of the store's
 * config version (every {@code pollEvery}) catches the writes of other instances and of the CLI.
 * The poll doubles as the store's health check for readiness: while the store does not answer,
 * the last snapshot keeps serving.
 */
public final class ConfigSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);

    private final Store store;
    private final SnapshotBuilder builder;
    private final SnapshotHolder snapshots;
    private final Duration pollEvery;
    private final byte[] pinnedMasterKeyHash;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-config-sync");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean storeUp = true;
    /** A version that failed to load, not retried until the store moves on (written by the poller only). */
    private volatile long failedVersion = -1;
    private volatile Consumer<ConfigSnapshot> beforePublish = next -> { };

    /**
     * Reads the store once and builds the first snapshot; throws when the store cannot be read.
     *
     * @param pinnedMasterKeyHash the hash of this instance's {@code MASTER_KEY}, which always works
     *                            here; null to use the store's
     */
    public ConfigSync(Store store, SnapshotBuilder builder, Duration pollEvery, byte[] pinnedMasterKeyHash) {
        this.store = store;
        this.builder = builder;
        this.pollEvery = pollEvery;
        this.pinnedMasterKeyHash = pinnedMasterKeyHash;
        this.snapshots = new SnapshotHolder(load());
    }

    public SnapshotHolder snapshots() {
        return snapshots;
    }

    /** The last store version that could not be loaded, or -1. */
    long failedVersion() {
        return failedVersion;
    }

    /** Whether the last contact with the store succeeded. */
    public boolean storeUp() {
        return storeUp;
    }

    public void start() {
        long ms = pollEvery.toMillis();
        poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs with each new snapshot before it is put in force (on the thread that loaded it), so
     * that what is derived from it is ready when the first request sees it. It must not throw.
     */
    void beforePublish(Consumer<ConfigSnapshot> action) {
        this.beforePublish = action;
    }

    /** Rebuilds the snapshot from the store now (the caller just wrote to it). */
    public synchronized void reload() {
        ConfigSnapshot next = load();
        beforePublish.accept(next);
        snapshots.set(next);
    }

    /**
     * Before an admin write: loads what the store holds when it is ahead of this instance's
     * snapshot, and throws what that load throws. An instance that cannot build the store's config
     * (a credential sealed with a key its ENCRYPTION_KEYS lacks) thus refuses a write before making
     * it, instead of saving a change it could not put in force here.
     */
    public synchronized void catchUp() {
        if (store.version() != snapshots.get().version()) reload();
    }

    private void poll() {
        long version;
        try {
            version = versionWithOneRetry();
        } catch (RuntimeException e) {
            if (storeUp) {
                storeUp = false;
                LOG.warn("the store at {} does not answer; serving from the last config snapshot: {}", store.display(), e.getMessage());
            }
            return;
        }
        if (!storeUp) {
            storeUp = true;
            LOG.info("the store at {} answers again", store.display());
        }
        if (version == snapshots.get().version() || version == failedVersion) return;
        try {
            reload();
        } catch (StoreException e) {
            if (e.unavailable()) storeUp = false; // went away between the two reads: the next poll tries again
            else rejected(version, e);
        } catch (RuntimeException e) {
            rejected(version, e);
        }
    }

    /**
     * After a database restart the pool may still hold a connection the server cut; the first use
     * fails and evicts it. One immediate retry on a fresh connection keeps readiness from flapping.
     */
    private long versionWithOneRetry() {
        try {
            return store.version();
        } catch (RuntimeException first) {
            return store.version();
        }
    }

    /**
     * The store answers but what it holds cannot be built (a credential sealed with a key this
     * instance's ENCRYPTION_KEYS lacks, say): that is not an outage, so readiness stays green and
     * the last snapshot keeps serving; the error is logged once per version.
     */
    private void rejected(long version, RuntimeException e) {
        failedVersion = version;
        LOG.error("config version {} in the store cannot be loaded; still serving version {}: {}", version,
                snapshots.get().version(), e.getMessage());
    }

    private ConfigSnapshot load() {
        // version first: a write landing between the two reads is then seen again by the next poll
        long version = store.version();
        ConfigState state = store.read(tx -> new ConfigState(tx.deployments().all(), tx.keys().all(), tx.teams().all(),
                tx.fallbacks().all(), tx.routerSettings().get().map(RouterSettingsRepository.Stored::settings).orElse(null),
                pinnedMasterKeyHash != null ? pinnedMasterKeyHash : tx.masterKey().hash().orElse(null)));
        return builder.build(state, version, (ConfigException e) -> LOG.warn("deployment left out of the catalog: {}", e.getMessage()));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
