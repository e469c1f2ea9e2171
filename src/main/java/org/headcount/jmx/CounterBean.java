package org.headcount.jmx;

import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.headcount.count.HitCounter;
import org.headcount.flush.FlushResult;
import org.headcount.flush.FlushScheduler;

/** The {@link CounterMXBean} over the live counter and flush scheduler. */
public final class CounterBean implements CounterMXBean {

    private final HitCounter counter;
    private final FlushScheduler flush;
    private final long flushWaitMs;

    /** {@code flushWaitMs}: how long {@link #flushNow} waits for an outcome. */
    public CounterBean(HitCounter counter, FlushScheduler flush, long flushWaitMs) {
        this.counter = counter;
        this.flush = flush;
        this.flushWaitMs = flushWaitMs;
    }

    @Override
    public int getPendingKeys() {
        return counter.pendingKeys();
    }

    @Override
    public long getPendingHits() {
        return counter.pending(1).hits();
    }

    @Override
    public int getPendingBatches() {
        return flush.pendingBatches();
    }

    @Override
    public int getConsecutiveFailedFlushes() {
        return flush.consecutiveFailures();
    }

    @Override
    public boolean isFlushRunning() {
        return flush.running();
    }

    @Override
    public String getLastFlushOutcome() {
        FlushResult last = flush.last();
        return last == null ? "none" : last.outcome();
    }

    @Override
    public String getLastFlushTime() {
        FlushResult last = flush.last();
        return last == null ? "" : Instant.ofEpochMilli(last.atEpochMs()).toString();
    }

    @Override
    public long getLastFlushHits() {
        FlushResult last = flush.last();
        return last == null ? 0 : last.hitsTaken();
    }

    @Override
    public int getLastFlushKeys() {
        FlushResult last = flush.last();
        return last == null ? 0 : last.keysTaken();
    }

    @Override
    public long getLastFlushDurationMs() {
        FlushResult last = flush.last();
        return last == null ? 0 : last.durationMs();
    }

    @Override
    public String getLastFlushError() {
        FlushResult last = flush.last();
        return last == null || last.error() == null ? "" : last.error();
    }

    @Override
    public String flushNow() {
        try {
            FlushResult result = flush.flushNow(flushWaitMs);
            return result.outcome() + ": " + result.batchesDelivered() + " batch(es), " + result.hitsDelivered()
                    + " hits delivered, " + result.batchesPending() + " pending, in " + result.durationMs() + " ms"
                    + (result.error() == null ? "" : " (" + result.error() + ")");
        } catch (TimeoutException e) {
            return "in-progress: no outcome within " + flushWaitMs + " ms; the flush goes on";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted: the flush may still run";
        }
    }
}
