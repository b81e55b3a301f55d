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

    /**
     * A record on its way, made off the event loop (its tokens counted first): the sink knows it
     * is coming, so a shutdown can wait for it ({@link UsageWriter#awaitPromised}). Exactly one of
     * {@code offer} and {@code abandon} must follow.
     */
    interface Promise {
        void offer(UsageRecord record);

        void abandon();
    }

    default Promise promise() {
        return new Promise() {
            @Override
            public void offer(UsageRecord record) {
                UsageSink.this.offer(record);
            }

            @Override
            public void abandon() {}
        };
    }

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
