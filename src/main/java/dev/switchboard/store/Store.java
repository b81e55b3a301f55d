package dev.switchboard.store;

import java.util.function.Function;

/**
 * The control plane's store: configuration entities behind small repositories, always used inside
 * a transaction. Every write transaction also bumps the config version, which is how the other
 * instances (and a server after a CLI write) learn that they must rebuild their snapshot.
 * Blocking JDBC: never call it from an event loop.
 */
public interface Store extends AutoCloseable {

    /** Runs {@code work} in a read-only transaction. */
    <T> T read(Function<StoreTx, T> work);

    /** Runs {@code work} in one write transaction that also bumps the config version. */
    <T> T write(Function<StoreTx, T> work);

    /** Stored Responses API answers: data, not config, so their writes bump no version. */
    ResponseRepository responses();

    /** Usage records: data, written in batches by the usage writer; their writes bump no version. */
    UsageRepository usage();

    /** The config version now; it changes with every committed write. */
    long version();

    /** Whether the database answers now. */
    boolean ping();

    /** Where the store is, without credentials. */
    String display();

    @Override
    void close();
}
