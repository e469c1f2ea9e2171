package org.headcount.flush;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Hits taken from the counter in one flush, under an id that stays the same on every re-send,
 * so a receiver can dedupe by it. The batch takes the map it is given as its own, read-only from then on:
 * a batch can hold a million keys, and copying them would double the memory a flush needs.
 */
public record Batch(String id, Map<String, Long> hits) {

    public Batch {
        hits = Collections.unmodifiableMap(hits);
    }

    public static Batch of(Map<String, Long> hits) {
        return new Batch(UUID.randomUUID().toString(), hits);
    }

    /** One batch with every hit of both, under a new id (neither was delivered). */
    public Batch mergedWith(Batch other) {
        Map<String, Long> sum = new HashMap<>(hits);
        other.hits.forEach((key, n) -> sum.merge(key, n, Long::sum));
        return of(sum);
    }

    public long total() {
        return hits.values().stream().mapToLong(Long::longValue).sum();
    }
}
