package org.headcount.live;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.headcount.Top;

/** The members on all pages and the busiest pages among them, from one pass over the pages. */
record PageRanking(int total, List<Frames.PageCount> busiest) {

    /** Most members first; among equals, names in order, so the same pages win every time. */
    private static final Comparator<Frames.PageCount> BUSIEST =
            Comparator.comparingInt(Frames.PageCount::online).thenComparing(Frames.PageCount::page, Comparator.reverseOrder());

    /** Ranks pages by their members, keeping the {@code n} busiest; pages nobody is on are left out. */
    static PageRanking of(Map<String, Integer> members, int n) {
        Top<Frames.PageCount> top = new Top<>(n, BUSIEST);
        int total = 0;
        for (Map.Entry<String, Integer> page : members.entrySet()) {
            int online = page.getValue();
            if (online > 0) {
                top.offer(new Frames.PageCount(page.getKey(), online));
                total += online;
            }
        }
        return new PageRanking(total, top.largestFirst());
    }
}
