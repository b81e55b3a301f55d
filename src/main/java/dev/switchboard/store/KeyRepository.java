package dev.switchboard.store;

import dev.switchboard.auth.VirtualKey;
import java.util.List;
import java.util.Optional;

/** Virtual keys: only hashes of the keys themselves. */
public interface KeyRepository {

    List<VirtualKey> all();

    Page<VirtualKey> page(int limit, int offset);

    Optional<VirtualKey> find(String id);

    Optional<VirtualKey> findByName(String name);

    /** @throws StoreConflictException when the name (or the key) is taken */
    void insert(VirtualKey k);

    boolean update(VirtualKey k);

    boolean delete(String id);

    long countInTeam(String teamId);
}
