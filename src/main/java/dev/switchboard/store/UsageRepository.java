package dev.switchboard.store;

import dev.switchboard.usage.UsageGroup;
import dev.switchboard.usage.UsageRecord;
import java.time.Instant;
import java.util.List;

/**
 * Usage records, one per finished request. Data, not config: writes run outside
 * {@link Store#write} and bump no version. Blocking JDBC.
 */
public interface UsageRepository {

    /**
     * Inserts the batch in one transaction; a record whose id is already stored is left as it is.
     * The calling thread yields its core between statements, so a large batch never holds a core
     * for long (see {@code UsageWriter}).
     */
    void insertAll(List<UsageRecord> batch);

    /** Totals per group of the records with {@code from <= time < to}, sorted by group (nulls first). */
    List<UsageGroup> summarize(UsageGroup.By by, Instant from, Instant to);

    /** The records of one request id, oldest first (a client may reuse an id). */
    List<UsageRecord> forRequest(String requestId);

    /** How many records are stored. */
    long count();
}
