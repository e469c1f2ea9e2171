package org.headcount.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HitCounterTest {

    @Test
    void countsHitsPerKeyAndDrainEmptiesTheCounter() {
        HitCounter counter = new HitCounter(100, 512);
        for (String key : List.of("a", "b", "a", "__proto__", "constructor", "a", "ü\u0000")) {
            assertNull(counter.hit(key), "hit for " + key + " should count");
        }
        assertEquals(Map.of("a", 3L, "b", 1L, "__proto__", 1L, "constructor", 1L, "ü\u0000", 1L), counter.drain(),
                "drained batch");
        assertEquals(Map.of(), counter.drain(), "a second drain finds nothing");
    }

    @Test
    void refusesKeysAtTheLimits() {
        HitCounter counter = new HitCounter(2, 4);
        assertEquals(Ignored.NO_KEY, counter.hit(null), "null key");
        assertEquals(Ignored.NO_KEY, counter.hit(""), "empty key");
        assertNull(counter.hit("abcd"), "a key of exactly maxKeyLength counts");
        assertEquals(Ignored.KEY_TOO_LONG, counter.hit("abcde"), "one past maxKeyLength");
        assertNull(counter.hit("k2"), "the second distinct key (= maxKeys) counts");
        assertEquals(Ignored.TOO_MANY_KEYS, counter.hit("k3"), "a third distinct key is one past maxKeys");
        assertNull(counter.hit("abcd"), "keys already in the batch still count at the limit");
        assertEquals(Map.of("abcd", 2L, "k2", 1L), counter.drain(), "batch at the limit");
        assertEquals(Ignored.TOO_MANY_KEYS, counter.hit("k3"), "after a drain the last interval's keys keep their room");
        assertNull(counter.hit("k2"), "an established key counts");
        counter.drain();
        assertNull(counter.hit("k3"), "room for new keys again once old ones go quiet");
    }

    @Test
    void noHitIsLostOrCountedTwiceWhileFlushesRunInALoop() throws Exception {
        int threads = 8;
        int hitsPerThread = 250_000;
        HitCounter counter = new HitCounter(100_000, 512);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < hitsPerThread; i++) {
                    counter.hit("key-" + (i % 1000) + (i % 2 == 0 ? "" : "-t" + thread));
                }
                return null;
            }));
        }
        AtomicBoolean hammering = new AtomicBoolean(true);
        long flushed = 0;
        int flushes = 0;
        start.countDown();
        Future<?> done = pool.submit(() -> {
            for (Future<?> worker : workers) {
                worker.get();
            }
            hammering.set(false);
            return null;
        });
        while (hammering.get()) {
            flushed += sum(counter.drain());
            flushes++;
        }
        done.get();
        flushed += sum(counter.drain());
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        assertEquals((long) threads * hitsPerThread, flushed,
                "sum of all " + flushes + " flushed batches + remainder must equal the hits sent");
    }

    @Test
    void eightThreadsTimesAMillionHitsWithAFlushEvery10msSumExactly() throws Exception {
        int threads = 8;
        int hitsPerThread = 1_000_000;
        HitCounter counter = new HitCounter(100_000, 512);
        java.util.concurrent.atomic.AtomicLong flushed = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
        flusher.scheduleAtFixedRate(() -> flushed.addAndGet(sum(counter.drain())), 10, 10, TimeUnit.MILLISECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = 0; i < hitsPerThread; i++) {
                    counter.hit(KEYS[i & (KEYS.length - 1)]);
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        flusher.shutdown();
        assertEquals(true, flusher.awaitTermination(10, TimeUnit.SECONDS), "the flush loop stopped");
        flushed.addAndGet(sum(counter.drain()));
        assertEquals((long) threads * hitsPerThread, flushed.get(), "8 × 1M hits, flushed every 10 ms, sum exactly");
    }

    private static final String[] KEYS = new String[1024];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = "key-" + i;
        }
    }

    private static long sum(Map<String, Long> batch) {
        return batch.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void keysOfThePreviousIntervalKeepTheirRoomAgainstAFloodOfNewOnes() {
        HitCounter counter = new HitCounter(10, 512);
        for (int i = 0; i < 4; i++) {
            assertNull(counter.hit("real-" + i), "a reader's key");
        }
        counter.drain();
        int counted = 0;
        for (int i = 0; i < 100; i++) {
            if (counter.hit("flood-" + i) == null) {
                counted++;
            }
        }
        assertEquals(6, counted, "new keys take only the room the last interval's keys leave: 10 - 4");
        for (int i = 0; i < 4; i++) {
            assertNull(counter.hit("real-" + i), "the last interval's keys are still counted: real-" + i);
        }
        assertEquals(Ignored.TOO_MANY_KEYS, counter.hit("real-new"), "a key new to both intervals waits");
        assertEquals(10, counter.drain().size(), "never more than maxKeys");
    }
}
