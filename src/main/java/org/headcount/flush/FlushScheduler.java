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
 * so no two flushes ever overlap; closing stops that thread and runs one short final flush. Every outcome goes
 * to the observer (metrics, the dashboard's history).
 */
public final class FlushScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FlushScheduler.class.getName());
    /** How long a closing waits for the flush thread to stop once interrupted: every wait in a flush is interruptible. */
    private static final long STOP_WAIT_MS = 2_000;
    /** The final flush at shutdown sends for at most this long; what is not delivered by then stays in the outbox. */
    static final long FINAL_SEND_MS = 3_000;

    private final Flusher flusher;
    private final ScheduledExecutorService executor;
    private final ScheduledFuture<?> schedule;
    private final Consumer<FlushResult> observer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final long staleAfterMs;
    private volatile FlushResult last;
    private volatile long lastFinishedNanos = System.nanoTime();

    /**
     * {@code observer} hears every flush's outcome; it must be quick and must not throw. A flush is overdue when none
     * has finished for {@code staleAfterMs}.
     */
    public FlushScheduler(Flusher flusher, long intervalMs, long staleAfterMs, Consumer<FlushResult> observer) {
        this.flusher = flusher;
        this.observer = observer;
        this.staleAfterMs = staleAfterMs;
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

    public long batchesTooLarge() {
        return flusher.tooLarge();
    }

    /** No flush has finished for longer than a healthy schedule allows: the flush thread is stuck. */
    public boolean overdue() {
        return System.nanoTime() - lastFinishedNanos > staleAfterMs * 1_000_000;
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
        lastFinishedNanos = System.nanoTime();
        if (result.failed()) {
            consecutiveFailures.incrementAndGet();
        } else {
            consecutiveFailures.set(0);
        }
        observer.accept(result);
        return result;
    }

    /**
     * Stops the flush thread (a send in progress is cut short; its batch stays in the outbox under its id), then runs
     * the final flush here: the last hits go to the outbox on disk first, then sending goes on for at most
     * {@link #FINAL_SEND_MS}. The outbox is let go whatever happened. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdownNow();
        try {
            if (executor.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                record(flusher.flush(FINAL_SEND_MS));
            } else {
                LOG.log(System.Logger.Level.ERROR, "The flush thread did not stop; skipped the final flush");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "The final flush failed", e);
        } finally {
            flusher.close();
        }
    }
}
