package org.headcount.count;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** A drained {@link HitCounter} buffer as key → hits: read-only, and nothing counts into it any more. */
final class DrainedHits extends AbstractMap<String, Long> {

    private final ConcurrentHashMap<String, AtomicLong> hits;

    DrainedHits(ConcurrentHashMap<String, AtomicLong> hits) {
        this.hits = hits;
    }

    @Override
    public int size() {
        return hits.size();
    }

    @Override
    public Long get(Object key) {
        AtomicLong count = hits.get(key);
        return count == null ? null : count.get();
    }

    @Override
    public boolean containsKey(Object key) {
        return hits.containsKey(key);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Long> action) {
        hits.forEach((key, count) -> action.accept(key, count.get()));
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return hits.size();
            }

            @Override
            public Iterator<Entry<String, Long>> iterator() {
                Iterator<Entry<String, AtomicLong>> entries = hits.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public Entry<String, Long> next() {
                        Entry<String, AtomicLong> entry = entries.next();
                        return new SimpleImmutableEntry<>(entry.getKey(), entry.getValue().get());
                    }
                };
            }
        };
    }
}
