package org.headcount.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition with a deadline: for state that settles shortly after an event the test cannot hook. */
public final class Eventually {

    private static final long POLL_MS = 20;

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} when {@code within} passes first. */
    public static void await(String what, Duration within, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            // Polling interval for a deadline loop, not synchronization: the condition is re-checked each round.
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_MS * 1_000_000);
        }
    }
}
