package dev.switchboard.pipeline;

import dev.switchboard.usage.PriceCatalog;
import dev.switchboard.usage.UsageSink;
import java.time.Clock;

/**
 * What settling a request needs from the wiring: where usage records go, the prices, and the
 * clock that stamps records. One per gateway, shared by every event loop.
 */
public record Accounting(UsageSink sink, PriceCatalog prices, Clock clock) {

    /** Settles nothing: for routes built without a store (tests of the route table). */
    public static Accounting none() {
        return new Accounting(UsageSink.NONE, PriceCatalog.standard(), Clock.systemUTC());
    }
}
