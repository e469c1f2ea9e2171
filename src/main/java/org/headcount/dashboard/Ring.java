package org.headcount.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A fixed number of the latest items: adding to a full ring drops the oldest. Safe for one writer and many readers. */
final class Ring<T> {

    private final Object[] items;
    private int next; // guarded by this
    private int size; // guarded by this

    Ring(int capacity) {
        items = new Object[capacity];
    }

    synchronized void add(T item) {
        items[next] = item;
        next = (next + 1) % items.length;
        size = Math.min(size + 1, items.length);
    }

    /** The items that pass {@code keep}, oldest first. */
    @SuppressWarnings("unchecked")
    synchronized List<T> items(Predicate<T> keep) {
        List<T> kept = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            T item = (T) items[(next - size + i + items.length) % items.length];
            if (keep.test(item)) {
                kept.add(item);
            }
        }
        return kept;
    }
}
