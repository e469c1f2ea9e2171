package org.headcount.live;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the pages count across the cluster: this node's pages with the other nodes' {@link RemoteCounts}, a visitor
 * on several nodes once. Without other nodes, a page's own count.
 */
final class ClusterCounts {

    private final Map<String, Page> pages;
    private final RemoteCounts remote;
    private final boolean byVisitors;

    ClusterCounts(Map<String, Page> pages, RemoteCounts remote, boolean byVisitors) {
        this.pages = pages;
        this.remote = remote;
        this.byVisitors = byVisitors;
    }

    /** The count of {@code page}, one of this node's. */
    int of(Page page) {
        Presence others = remote.of(page.name);
        return others.connections() == 0 ? page.online(byVisitors) : page.presence().with(others).count(byVisitors);
    }

    /** The count of the page named {@code name}, on this node or not. */
    int of(String name) {
        return presence(name).count(byVisitors);
    }

    /** The count of every page. */
    Map<String, Integer> all() {
        Map<String, Integer> counts = new HashMap<>();
        remote.all().keySet().forEach(name -> counts.put(name, of(name)));
        pages.forEach((name, page) -> counts.putIfAbsent(name, page.online(byVisitors)));
        return counts;
    }

    /**
     * Audience Meter's {@code /stats}, sorted by name: {@code members} (the count) and {@code visitors} across the
     * cluster unless {@code localOnly}; {@code created} and {@code connections} are this node's (0 for a page only
     * other nodes have).
     */
    Map<String, Frames.PageStats> stats(boolean localOnly) {
        Map<String, Frames.PageStats> stats = new TreeMap<>();
        pages.forEach((name, p) -> {
            Presence presence = localOnly ? p.presence() : presence(name);
            stats.put(name, new Frames.PageStats(p.createdEpochMs / 1000, p.connections.get(), presence.count(byVisitors),
                    presence.people()));
        });
        if (!localOnly) {
            remote.all().forEach((name, presence) -> stats.putIfAbsent(name,
                    new Frames.PageStats(0, 0, presence.count(byVisitors), presence.people())));
        }
        return stats;
    }

    private Presence presence(String name) {
        Page page = pages.get(name);
        Presence others = remote.of(name);
        return page == null ? others : page.presence().with(others);
    }
}
