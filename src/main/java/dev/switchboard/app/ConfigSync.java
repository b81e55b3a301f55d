package dev.switchboard.app;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.ConfigState;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.config.SnapshotHolder;
import dev.switchboard.store.RouterSettingsRepository;
import dev.switchboard.store.Store;
import java.time.Duration;
import java.util.concurrent.Executors;
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

    /** Whether the last contact with the store succeeded. */
    public boolean storeUp() {
        return storeUp;
    }

    public void start() {
        long ms = pollEvery.toMillis();
        poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Rebuilds the snapshot from the store now (the caller just wrote to it). */
    public synchronized void reload() {
        snapshots.set(load());
    }

    private void poll() {
        try {
            long version = store.version();
            if (!storeUp) {
                storeUp = true;
                LOG.info("the store at {} answers again", store.display());
            }
            if (version != snapshots.get().version()) reload();
        } catch (RuntimeException e) {
            if (storeUp) {
                storeUp = false;
                LOG.warn("the store at {} does not answer; serving from the last config snapshot: {}", store.display(), e.getMessage());
            }
        }
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
