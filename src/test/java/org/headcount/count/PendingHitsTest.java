package org.headcount.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.headcount.count.HitCounter.KeyHits;
import org.headcount.count.HitCounter.Pending;
import org.junit.jupiter.api.Test;

/** The dashboard's read-only look at what waits for the next flush. */
class PendingHitsTest {

    @Test
    void pendingShowsTotalsAndTheBusiestKeysWithoutTakingThem() {
        HitCounter counter = new HitCounter(100, 512);
        hits(counter, "/a", 5);
        hits(counter, "/b", 2);
        hits(counter, "/c", 7);
        hits(counter, "/d", 2);
        Pending pending = counter.pending(3);
        assertEquals(4, pending.keys(), "distinct keys pending");
        assertEquals(16, pending.hits(), "hits pending");
        assertEquals(List.of(new KeyHits("/c", 7), new KeyHits("/a", 5), new KeyHits("/b", 2)), pending.top(),
                "the three busiest keys, most first, ties by name");
        assertEquals(Map.of("/a", 5L, "/b", 2L, "/c", 7L, "/d", 2L), counter.drain(), "looking took nothing away");
        assertEquals(new Pending(0, 0, List.of()), counter.pending(3), "nothing pending after the drain");
    }

    @Test
    void countingGoesOnWhileTheDashboardLooks() throws Exception {
        HitCounter counter = new HitCounter(100_000, 512);
        int hitsPerThread = 200_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        Future<?> counting = pool.submit(() -> {
            start.await();
            for (int i = 0; i < hitsPerThread; i++) {
                counter.hit("key-" + (i % 5_000));
            }
            return null;
        });
        start.countDown();
        long lastSeen = 0;
        while (!counting.isDone()) {
            long seen = counter.pending(10).hits();
            assertTrue(seen >= lastSeen, "pending hits never go backwards between drains: " + seen + " after " + lastSeen);
            lastSeen = seen;
        }
        counting.get();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "pool stops");
        assertEquals(hitsPerThread, counter.pending(10).hits(), "every hit visible once counting is done");
        assertEquals(hitsPerThread, counter.drain().values().stream().mapToLong(Long::longValue).sum(),
                "and every hit still drained exactly once");
    }

    @Test
    void countedTotalIsEveryCountedHitWhetherDrainedOrPending() {
        HitCounter counter = new HitCounter(2, 4);
        hits(counter, "/a", 3);
        counter.hit(null);
        counter.hit("/too-long");
        counter.hit("/b");
        counter.hit("/c");
        assertEquals(4, counter.countedTotal(), "three and one counted; no key, too long and too many keys are not");
        counter.drain();
        hits(counter, "/a", 2);
        assertEquals(6, counter.countedTotal(), "the drained hits still count, and the new ones add to them");
        counter.drain();
        counter.drain();
        assertEquals(6, counter.countedTotal(), "drains move hits, they do not add or lose any");
    }

    @Test
    void countedTotalNeverGoesDownWhileHitsAreCountedAndDrained() throws Exception {
        HitCounter counter = new HitCounter(100_000, 512);
        int hitsPerThread = 200_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        Future<?> counting = pool.submit(() -> {
            start.await();
            for (int i = 0; i < hitsPerThread; i++) {
                counter.hit("key-" + (i % 5_000));
            }
            return null;
        });
        Future<?> draining = pool.submit(() -> {
            start.await();
            while (!counting.isDone()) {
                counter.drain();
            }
            return null;
        });
        start.countDown();
        long lastSeen = 0;
        while (!counting.isDone()) {
            long seen = counter.countedTotal();
            assertTrue(seen >= lastSeen, "a Prometheus counter must never go down: " + seen + " after " + lastSeen);
            lastSeen = seen;
        }
        counting.get();
        draining.get();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "pool stops");
        assertEquals(hitsPerThread, counter.countedTotal(), "every hit counted once");
    }

    private static void hits(HitCounter counter, String key, int n) {
        for (int i = 0; i < n; i++) {
            counter.hit(key);
        }
    }
}
