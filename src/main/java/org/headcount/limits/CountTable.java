package org.headcount.limits;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts per 64-bit hash, for the current interval only, in a table of fixed size whatever the number of hashes.
 * Each count is one long: the hash's top 24 bits as its tag, the interval's number (16 bits: a count comes back
 * only if its slot stays untouched for 65,536 intervals) and the count (24 bits, saturating). Counting costs one
 * cache line and a compare-and-set, never an allocation or a lock, and a new interval clears nothing: a count
 * stamped with another interval reads as none.
 *
 * <p>A hash lives in one of the {@link #WAYS} slots of its group. A newcomer to a full group takes the slot with the
 * smallest count, so the counts a flood runs up are the last to go, and a count lost only ever lets a client do
 * more, never less. (A general cache here cost the pixel 5 % of its CPU in dependent memory reads; this is one.)
 */
final class CountTable {

    static final int WAYS = 4;
    static final int MAX_COUNT = 0xFF_FFFF;
    private static final int INTERVAL_SHIFT = 24;
    private static final long INTERVAL_MASK = 0xFFFF;
    private static final int TAG_SHIFT = 40;

    private final AtomicLongArray slots;
    private final int groupMask;

    /** A table of {@code slots} counts, a power of two. */
    CountTable(int slots) {
        if (Integer.bitCount(slots) != 1 || slots < WAYS) {
            throw new IllegalArgumentException("slots must be a power of two of at least " + WAYS + ": " + slots);
        }
        this.slots = new AtomicLongArray(slots);
        this.groupMask = (slots - 1) & -WAYS;
    }

    /**
     * Adds one to the count of {@code hash} in {@code interval} and answers the new count. A hash without a count this
     * interval gets one only when {@code create}; otherwise the answer is 0 and nothing changes.
     */
    int increment(long hash, int interval, boolean create) {
        int group = (int) hash & groupMask;
        // The tag's lowest bit is always set, so an empty slot (0) is nobody's.
        long stamp = ((hash >>> TAG_SHIFT | 1) << TAG_SHIFT) | ((interval & INTERVAL_MASK) << INTERVAL_SHIFT);
        for (;;) {
            int victim = group;
            long victimEntry = 0;
            long victimCount = Long.MAX_VALUE; // so the first slot read is the victim until a smaller count comes
            boolean raced = false;
            for (int i = group; i < group + WAYS; i++) {
                long entry = slots.get(i);
                long count = entry & MAX_COUNT;
                if ((entry & ~MAX_COUNT) == stamp) {
                    if (count == MAX_COUNT || slots.compareAndSet(i, entry, entry + 1)) {
                        return (int) Math.min(count + 1, MAX_COUNT);
                    }
                    raced = true;
                    break;
                }
                long countNow = (entry >>> INTERVAL_SHIFT & INTERVAL_MASK) == (interval & INTERVAL_MASK) ? count : 0;
                if (countNow < victimCount) {
                    victim = i;
                    victimEntry = entry;
                    victimCount = countNow;
                }
            }
            if (raced) {
                continue;
            }
            if (!create) {
                return 0;
            }
            if (slots.compareAndSet(victim, victimEntry, stamp | 1)) {
                return 1;
            }
        }
    }
}
