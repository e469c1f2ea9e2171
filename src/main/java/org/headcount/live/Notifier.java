package org.headcount.live;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;

/**
 * The live side's background work on one named daemon thread: notices every {@link #TICK_MS}, expiry
 * sweeps every second, keep-alives every {@link #HEARTBEAT_MS}; plus a small pool that closes sessions,
 * since a close can wait on a stuck client.
 */
public final class Notifier implements AutoCloseable {

    /** How late a notice the throttle allows can be: a tick finds nothing to do in microseconds. */
    static final long TICK_MS = 10;
    static final long SWEEP_MS = 1_000;
    /** A server learns that a stream's reader left only when it next writes to it: this bounds how stale a count gets. */
    static final long HEARTBEAT_MS = 2_000;
    private static final int CLOSER_THREADS = 2;
    private static final long STOP_WAIT_MS = 5_000;
    private static final System.Logger LOG = System.getLogger(Notifier.class.getName());

    private final PresenceRegistry registry;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("headcount-live"));
    private final ExecutorService closer = Executors.newFixedThreadPool(CLOSER_THREADS, DaemonThreads.named("headcount-live-close"));
    private final AtomicBoolean closed = new AtomicBoolean();

    public Notifier(PresenceRegistry registry) {
        this.registry = registry;
        every(TICK_MS, registry::tick);
        every(SWEEP_MS, registry::sweep);
        every(HEARTBEAT_MS, registry::heartbeat);
    }

    /** Where sessions are closed. */
    public ExecutorService closer() {
        return closer;
    }

    private void every(long periodMs, Runnable work) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (Exception e) {
                // One bad tick must not end the schedule.
                LOG.log(System.Logger.Level.ERROR, "Live notifier tick failed", e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule and closes every live connection. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        registry.closeAll();
        closer.shutdown();
        try {
            scheduler.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            if (!closer.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                closer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
