package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.flush.FlushScheduler;
import org.headcount.flush.Flusher;
import org.headcount.flush.Outbox;
import org.headcount.live.PresenceRegistry;
import org.headcount.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /health's verdict when the flush schedule dies, which no request can provoke in a deployed WAR: an Error in a
 * real scheduler's flush, as an OutOfMemoryError would throw. (The failing-receiver case runs end to end in AdminAndHealthIT.)
 */
class HealthTest {

    private final Jsonb jsonb = JsonbBuilder.create();

    @TempDir
    Path dir;

    @AfterEach
    void closeJsonb() throws Exception {
        jsonb.close();
    }

    @Test
    void downOnceTheFlushScheduleHasDied() throws Exception {
        AtomicBoolean blowUp = new AtomicBoolean();
        Flusher flusher = new Flusher(() -> {
            if (blowUp.getAndSet(false)) {
                throw new OutOfMemoryError("simulated: the flush thread ran out of memory");
            }
            return Map.of();
        }, null, Outbox.open(dir.resolve("outbox"), 10, 1 << 20), false, 1_000_000);
        Config config = new ConfigLoader(List.of()).load(dir);
        PresenceRegistry registry = new PresenceRegistry(config, jsonb, System::currentTimeMillis);
        FlushScheduler flush = new FlushScheduler(flusher, 50, 60_000, result -> { });
        try {
            HealthServlet.Health up = HealthServlet.Health.of(flush, registry, 1);
            assertTrue(up.up() && up.flushRunning(), "UP while the schedule runs: " + up);
            blowUp.set(true);
            Eventually.await("DOWN once an Error ended the schedule", Duration.ofSeconds(10),
                    () -> !HealthServlet.Health.of(flush, registry, 1).up());
            HealthServlet.Health down = HealthServlet.Health.of(flush, registry, 1);
            assertEquals("DOWN", down.status(), "status");
            assertFalse(down.flushRunning(), "the document says the flush thread stopped: " + down);
        } finally {
            flush.close();
        }
    }

    @Test
    void downWhileNoFlushHasFinishedForTwoIntervalsAndATimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Flusher flusher = new Flusher(() -> {
            try {
                release.await(); // a flush stuck where no timeout reaches
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of();
        }, null, Outbox.open(dir.resolve("outbox"), 10, 1 << 20), false, 1_000_000);
        Config config = new ConfigLoader(List.of()).load(dir);
        PresenceRegistry registry = new PresenceRegistry(config, jsonb, System::currentTimeMillis);
        FlushScheduler flush = new FlushScheduler(flusher, 50, 300, result -> { });
        try {
            Eventually.await("DOWN once no flush finished for 300 ms", Duration.ofSeconds(10),
                    () -> !HealthServlet.Health.of(flush, registry, 1).up());
            HealthServlet.Health down = HealthServlet.Health.of(flush, registry, 1);
            assertTrue(down.flushOverdue() && down.flushRunning(), "overdue, though the thread lives: " + down);
            release.countDown();
            Eventually.await("UP again once flushes finish", Duration.ofSeconds(10),
                    () -> HealthServlet.Health.of(flush, registry, 1).up());
        } finally {
            release.countDown();
            flush.close();
        }
    }
}
