package dev.switchboard.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes; the caller asserts the outcome. */
public final class Await {

    private Await() {}

    /** True as soon as {@code condition} holds, false if it still does not after {@code limit}. */
    public static boolean until(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            LockSupport.parkNanos(2_000_000);
        }
        return true;
    }
}
