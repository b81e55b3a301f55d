package dev.switchboard.store;

import dev.switchboard.pipeline.StoredResponse;
import java.util.List;
import java.util.Optional;

/**
 * Stored Responses API answers. Unlike the config repositories these writes are data, not
 * config: they run outside {@link Store#write} and never bump the config version. Blocking JDBC.
 */
public interface ResponseRepository {

    Optional<StoredResponse> find(String id);

    /** Inserts the batch in one transaction; an id already stored is left as it is. */
    void insertAll(List<StoredResponse> batch);

    boolean delete(String id);
}
