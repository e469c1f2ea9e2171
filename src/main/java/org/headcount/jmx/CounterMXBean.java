package org.headcount.jmx;

/** {@code org.headcount:type=Counter}: the pixel counter and its flushes, and Pixel Ping's SIGUSR2 as an operation. */
public interface CounterMXBean {

    /** Distinct keys counted since the last flush. */
    int getPendingKeys();

    /** Hits counted since the last flush (one pass over the pending keys). */
    long getPendingHits();

    /** Failed batches waiting to be re-sent. */
    int getPendingBatches();

    int getConsecutiveFailedFlushes();

    /** False once the flush schedule has stopped. */
    boolean isFlushRunning();

    /** delivered, failed, discarded, empty or logged; "none" before the first flush. */
    String getLastFlushOutcome();

    /** When the last flush finished, ISO-8601 UTC; empty before the first flush. */
    String getLastFlushTime();

    /** Hits the last flush took from the counter. */
    long getLastFlushHits();

    /** Distinct keys the last flush took from the counter. */
    int getLastFlushKeys();

    long getLastFlushDurationMs();

    /** Why the last flush failed; empty when it did not. */
    String getLastFlushError();

    /** Flushes now, after any flush already running, and answers the outcome in one line. */
    String flushNow();
}
