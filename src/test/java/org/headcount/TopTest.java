package org.headcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopTest {

    @Test
    void keepsTheLargestNWhateverTheOrderOfArrival() {
        Top<Integer> top = new Top<>(3, Comparator.<Integer>naturalOrder());
        List.of(5, 1, 9, 3, 9, 7, 2).forEach(top::offer);
        assertEquals(List.of(9, 9, 7), top.largestFirst(), "three largest, largest first, duplicates kept");
    }

    @Test
    void fewerItemsThanNAreAllKept() {
        Top<Integer> top = new Top<>(10, Comparator.<Integer>naturalOrder());
        List.of(2, 1).forEach(top::offer);
        assertEquals(List.of(2, 1), top.largestFirst(), "all items when fewer than n");
    }

    @Test
    void atTheLimitTheSmallestGoes() {
        Top<Integer> top = new Top<>(1_000, Comparator.<Integer>naturalOrder());
        IntStream.rangeClosed(1, 1_001).forEach(top::offer);
        List<Integer> kept = top.largestFirst();
        assertEquals(1_000, kept.size(), "exactly n kept");
        assertEquals(1_001, kept.get(0), "the largest first");
        assertEquals(2, kept.get(kept.size() - 1), "the one item past n, the smallest, was dropped");
    }

    @Test
    void nBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Top<Integer>(0, Comparator.naturalOrder()), "n = 0");
    }
}
