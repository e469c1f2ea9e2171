package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.headcount.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule's liveness, which /health reports, and the observer that metrics and the dashboard hang on. */
class FlushSchedulerTest {

    private final Jsonb jsonb = JsonbBuilder.create();

    @TempDir
    Path dir;

    @AfterEach
    void closeJsonb() throws Exception {
        jsonb.close();
    }

    private FlushScheduler scheduler(Supplier<Map<String, Long>> source, long intervalMs, List<FlushResult> seen)
            throws java.io.IOException {
        Flusher flusher = new Flusher(source, null, Outbox.open(dir.resolve("outbox"), 10, 1 << 20), false, 1_000_000);
        return new FlushScheduler(flusher, intervalMs, 60_000, seen::add);
    }

    @Test
    void everyFlushReachesTheObserverAndTheScheduleRunsUntilClosed() throws Exception {
        List<FlushResult> seen = new CopyOnWriteArrayList<>();
        FlushScheduler flush = scheduler(() -> Map.of("k", 2L), 3_600_000, seen);
        assertTrue(flush.running(), "running once started");
        FlushResult forced = flush.flushNow(10_000);
        assertEquals("logged", forced.outcome(), "no endpoint: the hits are logged");
        assertEquals(List.of(forced), seen, "the observer heard the forced flush");
        flush.close();
        assertFalse(flush.running(), "not running once closed");
        assertEquals(2, seen.size(), "the final flush at close is observed too");
    }

    @Test
    void anErrorInAFlushStopsTheScheduleAndRunningSaysSo() throws Exception {
        CountDownLatch ticked = new CountDownLatch(1);
        // What an OutOfMemoryError in the middle of a flush does: an Error, which the per-tick catch does not swallow.
        // Only the first flush blows up, so the final flush at close runs normally.
        FlushScheduler flush = scheduler(() -> {
            if (ticked.getCount() > 0) {
                ticked.countDown();
                throw new StackOverflowError("a flush that blew up");
            }
            return Map.of();
        }, 50, new CopyOnWriteArrayList<>());
        try {
            assertTrue(ticked.await(10, TimeUnit.SECONDS), "the schedule ran its first tick");
            Eventually.await("running() turns false once the Error ended the schedule", Duration.ofSeconds(10),
                    () -> !flush.running());
        } finally {
            flush.close();
        }
    }

    @Test
    void anExceptionInAFlushDoesNotStopTheSchedule() throws Exception {
        CountDownLatch ticks = new CountDownLatch(3);
        FlushScheduler flush = scheduler(() -> {
            if (ticks.getCount() > 0) {
                ticks.countDown();
                throw new IllegalStateException("one bad tick");
            }
            return Map.of();
        }, 20, new CopyOnWriteArrayList<>());
        try {
            assertTrue(ticks.await(10, TimeUnit.SECONDS), "three ticks ran although each one failed");
            assertTrue(flush.running(), "an Exception leaves the schedule running");
        } finally {
            flush.close();
        }
    }
}
