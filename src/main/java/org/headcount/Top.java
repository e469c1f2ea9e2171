package org.headcount;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Keeps the {@code n} largest of a stream of items in a heap of n, so picking the top pages or keys out of
 * 100,000 costs one pass and no full sort.
 */
public final class Top<T> {

    private final int n;
    private final Comparator<T> order;
    private final PriorityQueue<T> smallestFirst;

    /** {@code order} ranks items, largest last; it should break ties so the result does not depend on arrival. */
    public Top(int n, Comparator<T> order) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, not " + n);
        }
        this.n = n;
        this.order = order;
        this.smallestFirst = new PriorityQueue<>(n + 1, order);
    }

    public void offer(T item) {
        if (smallestFirst.size() < n) {
            smallestFirst.add(item);
        } else if (order.compare(item, smallestFirst.peek()) > 0) {
            smallestFirst.poll();
            smallestFirst.add(item);
        }
    }

    /** The items kept, largest first. */
    public List<T> largestFirst() {
        List<T> items = new ArrayList<>(smallestFirst);
        items.sort(order.reversed());
        return items;
    }
}
