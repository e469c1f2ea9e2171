package org.headcount.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.dashboard.History.FlushSample;
import org.headcount.dashboard.History.OnlineSample;
import org.headcount.flush.FlushResult;
import org.junit.jupiter.api.Test;

/** The dashboard's hour of samples: bounded rings, oldest first, nothing older than the window. */
class HistoryTest {

    private final AtomicLong clock = new AtomicLong(10_000_000);
    private final AtomicInteger online = new AtomicInteger();

    private static FlushResult flushed(long atMs, long hits) {
        return new FlushResult("delivered", 1, hits, 2, hits, 0, 12, atMs, null);
    }

    @Test
    void flushesAndOnlineSamplesComeBackOldestFirst() {
        try (History history = new History(online::get, clock::get)) {
            history.accept(flushed(clock.get(), 5));
            online.set(3);
            clock.addAndGet(10_000);
            history.sampleOnline();
            history.accept(flushed(clock.get(), 7));
            History.Samples samples = history.lastHour();
            assertEquals(List.of(new FlushSample(10_000_000, 5, 2, "delivered", 12), new FlushSample(10_010_000, 7, 2, "delivered", 12)),
                    samples.flushes(), "each flush's hits, keys, outcome and duration");
            assertEquals(new OnlineSample(10_010_000, 3), samples.online().get(samples.online().size() - 1),
                    "the latest online sample last");
            assertEquals(History.WINDOW_MS, samples.windowMs(), "the window is said");
        }
    }

    @Test
    void samplesOlderThanTheWindowAreLeftOut() {
        try (History history = new History(online::get, clock::get)) {
            history.accept(flushed(clock.get(), 1));
            clock.addAndGet(History.WINDOW_MS);
            history.accept(flushed(clock.get(), 2));
            clock.addAndGet(1);
            assertEquals(List.of(2L), history.lastHour().flushes().stream().map(FlushSample::hits).toList(),
                    "a flush one window and a millisecond old is gone");
        }
    }

    @Test
    void ringsKeepOnlyTheLatestAtCapacity() {
        Ring<Integer> ring = new Ring<>(3);
        for (int i = 1; i <= 4; i++) {
            ring.add(i);
        }
        assertEquals(List.of(2, 3, 4), ring.items(i -> true), "one past capacity drops the oldest");
        assertEquals(List.of(2, 4), ring.items(i -> i % 2 == 0), "the filter keeps order");

        try (History history = new History(online::get, clock::get)) {
            for (int i = 0; i <= History.FLUSH_SAMPLES; i++) {
                history.accept(flushed(clock.get(), i));
            }
            List<FlushSample> kept = history.lastHour().flushes();
            assertEquals(History.FLUSH_SAMPLES, kept.size(), "at most FLUSH_SAMPLES flushes");
            assertEquals(1, kept.get(0).hits(), "the first flush went when one more came");
        }
    }
}
