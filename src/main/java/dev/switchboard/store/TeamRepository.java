package dev.switchboard.store;

import dev.switchboard.config.TeamSpec;
import java.util.List;
import java.util.Optional;

public interface TeamRepository {

    List<TeamSpec> all();

    Page<TeamSpec> page(int limit, int offset);

    Optional<TeamSpec> find(String id);

    Optional<TeamSpec> findByName(String name);

    /** @throws StoreConflictException when the name is taken */
    void insert(TeamSpec t);

    boolean update(TeamSpec t);

    boolean delete(String id);
}
