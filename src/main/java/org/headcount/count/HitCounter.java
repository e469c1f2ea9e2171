package org.headcount.count;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sums pixel hits per key in memory. Counting never waits: a hit goes into the current buffer, and
 * {@link #drain()} swaps in a fresh buffer, waits for the few counting threads still inside the old one,
 * then reads it, so every hit lands in exactly one drained batch.
 */
public final class HitCounter {

    private final int maxKeys;
    private final int maxKeyLength;
    private volatile Buffer current;

    public HitCounter(int maxKeys, int maxKeyLength) {
        this.maxKeys = maxKeys;
        this.maxKeyLength = maxKeyLength;
        this.current = new Buffer(maxKeys);
    }

    /** Counts one hit for {@code key}; answers null when counted, else why not. */
    public Ignored hit(String key) {
        if (key == null || key.isEmpty()) {
            return Ignored.NO_KEY;
        }
        if (key.length() > maxKeyLength) {
            return Ignored.KEY_TOO_LONG;
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
        current = new Buffer(maxKeys);
        while (old.writers.get() != 0) {
            Thread.onSpinWait();
        }
        return new DrainedHits(old.hits);
    }

    /** Distinct keys counted since the last drain. */
    public int pendingKeys() {
        return current.hits.size();
    }

    private static final class Buffer {
        final ConcurrentHashMap<String, AtomicLong> hits = new ConcurrentHashMap<>();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger keys = new AtomicInteger();
        final int maxKeys;

        Buffer(int maxKeys) {
            this.maxKeys = maxKeys;
        }

        /**
         * One hit for {@code key}. An AtomicLong per key rather than a LongAdder: keys are many and rarely hit at
         * the same instant, and a LongAdder that once meets contention grows padded cells, hundreds of bytes per key.
         */
        boolean add(String key) {
            AtomicLong count = hits.get(key);
            if (count == null) {
                count = hits.computeIfAbsent(key, k -> keys.getAndUpdate(n -> Math.min(n + 1, maxKeys)) < maxKeys
                        ? new AtomicLong() : null);
                if (count == null) {
                    return false;
                }
            }
            count.incrementAndGet();
            return true;
        }
    }
}
