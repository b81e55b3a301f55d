package dev.switchboard.store;

import java.util.Optional;

/** The SHA-256 of the master key, shared by every instance on the store. */
public interface MasterKeyRepository {

    Optional<byte[]> hash();

    /** Stores {@code hash} unless one is there already; true when this call stored it. */
    boolean setIfAbsent(byte[] hash);

    void set(byte[] hash);
}
