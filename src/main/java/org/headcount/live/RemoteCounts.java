package org.headcount.live;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What the other nodes of a cluster count per page, as last read from Redis; always empty on a single node. */
public final class RemoteCounts {

    private final boolean clustered;
    private volatile Map<String, Integer> counts = Map.of();

    private RemoteCounts(boolean clustered) {
        this.clustered = clustered;
    }

    public static RemoteCounts singleNode() {
        return new RemoteCounts(false);
    }

    public static RemoteCounts clustered() {
        return new RemoteCounts(true);
    }

    public boolean isClustered() {
        return clustered;
    }

    public int of(String page) {
        return counts.getOrDefault(page, 0);
    }

    public Map<String, Integer> all() {
        return counts;
    }

    /** Replaces every remote count at once; answers the pages whose count changed. */
    public Set<String> replace(Map<String, Integer> next) {
        Map<String, Integer> previous = counts;
        counts = Map.copyOf(next);
        Set<String> changed = new HashSet<>();
        previous.forEach((page, n) -> {
            if (!n.equals(next.get(page))) {
                changed.add(page);
            }
        });
        next.forEach((page, n) -> {
            if (!n.equals(previous.get(page))) {
                changed.add(page);
            }
        });
        return changed;
    }
}
