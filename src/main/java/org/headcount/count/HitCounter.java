package org.headcount.count;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.Top;

/**
 * Sums pixel hits per key in memory. Counting never waits: a hit goes into the current buffer, and
 * {@link #drain()} swaps in a fresh buffer, waits for the few counting threads still inside the old one,
 * then reads it, so every hit lands in exactly one drained batch. Of the {@code maxKeys} a buffer may hold, the
 * keys counted in the previous interval keep their room: a flood of new keys can only take what is left.
 */
public final class HitCounter {

    /** One key and its hits. */
    public record KeyHits(String key, long hits) {}

    /** What waits for the next flush: distinct keys, their hits, and the keys with the most hits, most first. */
    public record Pending(int keys, long hits, List<KeyHits> top) {}

    private static final Comparator<KeyHits> BY_HITS =
            Comparator.comparingLong(KeyHits::hits).thenComparing(KeyHits::key, Comparator.reverseOrder());

    private final int maxKeys;
    private final int maxKeyLength;
    private volatile Buffer current;
    private long drainedHits; // guarded by this

    public HitCounter(int maxKeys, int maxKeyLength) {
        this.maxKeys = maxKeys;
        this.maxKeyLength = maxKeyLength;
        this.current = new Buffer(maxKeys, Set.of());
    }

    /** Why {@code key} can never be counted, or null when it can. */
    public Ignored check(String key) {
        if (key == null || key.isEmpty()) {
            return Ignored.NO_KEY;
        }
        return key.length() > maxKeyLength ? Ignored.KEY_TOO_LONG : null;
    }

    /** Counts one hit for {@code key}; answers null when counted, else why not. */
    public Ignored hit(String key) {
        Ignored invalid = check(key);
        if (invalid != null) {
            return invalid;
        }
        for (;;) {
            Buffer buffer = current;
            buffer.writers.incrementAndGet();
            try {
                // A drain swapped buffers between our read and our entry: go round and use the new one.
                if (buffer == current) {
                    return buffer.add(key) ? null : Ignored.TOO_MANY_KEYS;
                }
            } finally {
                buffer.writers.decrementAndGet();
            }
        }
    }

    /**
     * Takes every hit counted so far, leaving an empty counter; hits counted meanwhile go to the next drain.
     * The answer is a read-only view of the old buffer, which nothing counts into any more: a million keys are
     * handed over without being copied.
     */
    public synchronized Map<String, Long> drain() {
        Buffer old = current;
        current = new Buffer(maxKeys, old.hits.keySet());
        while (old.writers.get() != 0) {
            Thread.onSpinWait();
        }
        Map<String, Long> batch = new DrainedHits(old.hits);
        batch.forEach((key, hits) -> drainedHits += hits);
        return batch;
    }

    /**
     * Every hit counted since the start, for {@code headcount_hits_total}: read from the per-key counts the hits
     * already live in, so counting pays nothing extra for the metric. Under the drain's lock, so hits moving from
     * the buffer into a batch are never missed nor seen twice, and the total never goes down. One pass over the
     * pending keys; counting goes on meanwhile.
     */
    public synchronized long countedTotal() {
        long pending = 0;
        for (AtomicLong count : current.hits.values()) {
            pending += count.get();
        }
        return drainedHits + pending;
    }

    /** Distinct keys counted since the last drain. */
    public int pendingKeys() {
        return current.hits.size();
    }

    /**
     * The hits counted since the last drain and the {@code top} keys among them, for the dashboard. Read-only and
     * lock-free: it walks the live buffer as it stands, so counting never waits for it, and a hit landing meanwhile
     * may or may not be included. Costs one pass over the pending keys.
     */
    public Pending pending(int top) {
        Top<KeyHits> largest = new Top<>(top, BY_HITS);
        long[] totals = new long[2]; // keys, hits
        current.hits.forEach((key, count) -> {
            long hits = count.get();
            totals[0]++;
            totals[1] += hits;
            largest.offer(new KeyHits(key, hits));
        });
        return new Pending((int) totals[0], totals[1], largest.largestFirst());
    }

    private static final class Buffer {
        final ConcurrentHashMap<String, AtomicLong> hits = new ConcurrentHashMap<>();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger newKeys = new AtomicInteger();
        /** The previous interval's keys, read-only: each keeps its room here. */
        final Set<String> established;
        final int maxNewKeys;

        Buffer(int maxKeys, Set<String> established) {
            this.established = established;
            this.maxNewKeys = maxKeys - established.size();
        }

        /** Room for a key: always for an established one (their number is at most maxKeys), else what is left. */
        private boolean admit(String key) {
            return established.contains(key) || newKeys.getAndUpdate(n -> Math.min(n + 1, maxNewKeys)) < maxNewKeys;
        }

        /**
         * One hit for {@code key}. An AtomicLong per key rather than a LongAdder: keys are many and rarely hit at
         * the same instant, and a LongAdder that once meets contention grows padded cells, hundreds of bytes per key.
         */
        boolean add(String key) {
            AtomicLong count = hits.get(key);
            if (count == null) {
                count = hits.computeIfAbsent(key, k -> admit(k) ? new AtomicLong() : null);
                if (count == null) {
                    return false;
                }
            }
            count.incrementAndGet();
            return true;
        }
    }
}
