package org.headcount.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Counts per hash and interval, in a table that never grows. */
class CountTableTest {

    @Test
    void countsPerHashAndStartsAfreshEachInterval() {
        CountTable table = new CountTable(64);
        long seven = 0x7777_0000_0000_0007L;
        long eight = 0x8888_0000_0000_0007L; // the same group as seven, another tag
        assertEquals(0, table.increment(seven, 1, false), "no count: nothing made when not asked to");
        assertEquals(0, table.increment(seven, 1, false), "still none");
        assertEquals(1, table.increment(seven, 1, true), "made");
        assertEquals(2, table.increment(seven, 1, false), "counted");
        assertEquals(1, table.increment(eight, 1, true), "another hash, its own count");
        assertEquals(0, table.increment(seven, 2, false), "a new interval has no count yet");
        assertEquals(1, table.increment(seven, 2, true), "and starts at one");
        assertEquals(0, table.increment(eight, 1 + 256, false), "a count of 256 intervals ago stays gone");
    }

    @Test
    void aFloodOfNewcomersTakesTheSmallestCountsAndLeavesTheLargeOnes() {
        CountTable table = new CountTable(16);
        long heavy = 0x1234_5678_9abc_def0L;
        for (int i = 0; i < 50; i++) {
            table.increment(heavy, 1, true);
        }
        for (long h = 0; h < 100_000; h++) {
            assertEquals(1, table.increment(h * 0x9E3779B97F4A7C15L, 1, true), "a newcomer always finds room");
        }
        assertEquals(51, table.increment(heavy, 1, false), "the large count outlived 100,000 newcomers in 16 slots");
    }

    @Test
    void countsSaturateInsteadOfWrapping() {
        CountTable table = new CountTable(4);
        table.increment(1, 1, true);
        for (int i = 1; i < CountTable.MAX_COUNT + 10; i++) {
            table.increment(1, 1, false);
        }
        assertEquals(CountTable.MAX_COUNT, table.increment(1, 1, false));
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        CountTable table = new CountTable(4);
        long one = 0xAAAA_0000_0000_0000L;
        long neighbour = 0x5555_0000_0000_0000L;
        int threads = 4;
        int each = 100_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> counting = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    table.increment(one, 1, true);
                    table.increment(neighbour, 1, true);
                }
            });
            thread.start();
            counting.add(thread);
        }
        start.countDown();
        for (Thread thread : counting) {
            thread.join();
        }
        assertEquals(threads * each + 1, table.increment(one, 1, false), "every increment of one hash");
        assertEquals(threads * each + 1, table.increment(neighbour, 1, false), "and of its neighbour in the same group");
    }
}
