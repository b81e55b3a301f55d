package dev.switchboard.config;

import java.util.concurrent.atomic.AtomicReference;

/** The current {@link ConfigSnapshot}; reads are a volatile load, writes a swap. */
public final class SnapshotHolder {

    private final AtomicReference<ConfigSnapshot> current;

    public SnapshotHolder(ConfigSnapshot initial) {
        this.current = new AtomicReference<>(initial);
    }

    public ConfigSnapshot get() {
        return current.get();
    }

    public void set(ConfigSnapshot next) {
        current.set(next);
    }
}
