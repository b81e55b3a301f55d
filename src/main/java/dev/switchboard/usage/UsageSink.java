package dev.switchboard.usage;

/**
 * Where the pipeline hands finished requests' usage records. {@link #offer} never blocks and never
 * fails the request: an implementation that cannot take a record now drops and counts it.
 * Called from event loops; thread-safe.
 */
public interface UsageSink {

    /** Takes the record for writing, or drops it (counted) when full; returns at once. */
    void offer(UsageRecord record);

    /** Records dropped so far: a full queue, a writer closed, a record that could be neither stored nor spooled. */
    long dropped();

    /** A sink that keeps nothing: for tests and tools that run routes without a store. */
    UsageSink NONE = new UsageSink() {
        @Override
        public void offer(UsageRecord record) {}

        @Override
        public long dropped() {
            return 0;
        }
    };
}
