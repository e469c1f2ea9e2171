package org.headcount.live;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;

/**
 * The live side's background work on one named daemon thread: notices within {@link #TICK_MS} of a change, expiry
 * sweeps every second, keep-alives every {@link #HEARTBEAT_MS}; plus a small pool that closes sessions, since a
 * close can wait on a stuck client. It ticks only while a notice is pending: a server with nothing to tell, such as
 * one busy counting pixels, is not woken a hundred times a second.
 */
public final class Notifier implements AutoCloseable {

    /** How late a notice the throttle allows can be. */
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
    private final AtomicBoolean tickAsked = new AtomicBoolean();

    public Notifier(PresenceRegistry registry) {
        this.registry = registry;
        registry.onPendingNotice(this::askForTick);
        askForTick(); // for anything pending already
        every(SWEEP_MS, registry::sweep);
        every(HEARTBEAT_MS, registry::heartbeat);
    }

    /** Where sessions are closed. */
    public ExecutorService closer() {
        return closer;
    }

    /** Whether a tick is asked for: false while nothing is pending. */
    boolean tickAsked() {
        return tickAsked.get();
    }

    /** A tick within {@link #TICK_MS}, unless one is asked for already. */
    private void askForTick() {
        if (tickAsked.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::tick, TICK_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // closed: nothing is told any more
            }
        }
    }

    private void tick() {
        tickAsked.set(false); // before the tick reads anything: a change from here on asks for the next one
        guarded(registry::tick);
        if (registry.noticesPending()) {
            askForTick();
        }
    }

    private void every(long periodMs, Runnable work) {
        scheduler.scheduleWithFixedDelay(() -> guarded(work), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** One bad tick must not end the schedule. */
    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "Live notifier tick failed", e);
        }
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
