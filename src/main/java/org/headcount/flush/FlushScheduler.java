package org.headcount.flush;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.headcount.DaemonThreads;

/**
 * Runs the {@link Flusher} every interval on one named daemon thread, which also serves forced flushes,
 * so no two flushes ever overlap; closing runs the final flush and spools what is left. Every outcome goes
 * to the observer (metrics, the dashboard's history) on the flush thread.
 */
public final class FlushScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FlushScheduler.class.getName());
    private static final long CLOSE_WAIT_MS = 30_000;

    private final Flusher flusher;
    private final ScheduledExecutorService executor;
    private final ScheduledFuture<?> schedule;
    private final Consumer<FlushResult> observer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile FlushResult last;

    /** {@code observer} hears every flush's outcome, on the flush thread; it must be quick and must not throw. */
    public FlushScheduler(Flusher flusher, long intervalMs, Consumer<FlushResult> observer) {
        this.flusher = flusher;
        this.observer = observer;
        this.executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("headcount-flush"));
        // Batches spooled by the last run go out at once rather than an interval later.
        long firstDelayMs = flusher.pendingBatches() > 0 ? 0 : intervalMs;
        schedule = executor.scheduleWithFixedDelay(this::tick, firstDelayMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Flushes now, after any flush already running; waits at most {@code timeoutMs} for the outcome. */
    public FlushResult flushNow(long timeoutMs) throws InterruptedException, TimeoutException {
        Future<FlushResult> result = executor.submit(this::runFlush);
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Flush failed unexpectedly", e.getCause());
        }
    }

    public FlushResult last() {
        return last;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public int pendingBatches() {
        return flusher.pendingBatches();
    }

    /**
     * False once the schedule has stopped: closed, or ended by an Error in a flush. The executor alone cannot
     * tell the second case, since a periodic task that throws is silently never run again.
     */
    public boolean running() {
        return !executor.isShutdown() && !schedule.isDone();
    }

    private void tick() {
        try {
            runFlush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // One bad tick must not end the schedule.
            LOG.log(System.Logger.Level.ERROR, "Flush failed unexpectedly", e);
        } catch (Error e) {
            // Out of memory and the like: the executor ends the schedule, so say so once; /health reports it DOWN.
            LOG.log(System.Logger.Level.ERROR, "Flush thread stopped; no more scheduled flushes until a restart", e);
            throw e;
        }
    }

    private FlushResult runFlush() throws InterruptedException {
        return record(flusher.flush());
    }

    private FlushResult record(FlushResult result) {
        last = result;
        if (result.failed()) {
            consecutiveFailures.incrementAndGet();
        } else {
            consecutiveFailures.set(0);
        }
        observer.accept(result);
        return result;
    }

    /** Stops the schedule, then runs the final flush and spools what could not be delivered. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow(); // interrupts a send in progress; its batch stays pending
            }
            if (executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                record(flusher.flushAndSpool());
            } else {
                LOG.log(System.Logger.Level.ERROR, "The flush thread did not stop; skipped the final flush");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
