package org.headcount.live;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who the other nodes of a cluster count per page, as last read from Redis, node by node, and merged per page (a
 * visitor on two nodes once); always empty on a single node. Written by one thread (the cluster's), read by any.
 */
public final class RemoteCounts {

    private final boolean clustered;
    private final Map<String, Map<String, Presence>> byNode = new HashMap<>();
    private final ConcurrentHashMap<String, Presence> merged = new ConcurrentHashMap<>();

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

    /** The other nodes' presence on {@code page}, merged. */
    public Presence of(String page) {
        return merged.getOrDefault(page, Presence.NOBODY);
    }

    /** Every page some other node counts someone on. */
    public Map<String, Presence> all() {
        return Collections.unmodifiableMap(merged);
    }

    /** The nodes heard of, this one excepted. */
    public synchronized Set<String> nodes() {
        return Set.copyOf(byNode.keySet());
    }

    /** {@code node} now has {@code pages} (a page mapped to {@link Presence#NOBODY} is gone); answers the pages that changed. */
    public synchronized Set<String> update(String node, Map<String, Presence> pages) {
        Map<String, Presence> known = byNode.computeIfAbsent(node, n -> new HashMap<>());
        Set<String> changed = new HashSet<>();
        pages.forEach((page, presence) -> {
            Presence before = presence.connections() == 0 ? known.remove(page) : known.put(page, presence);
            if (!presence.equals(before == null ? Presence.NOBODY : before)) {
                changed.add(page);
            }
        });
        if (known.isEmpty()) {
            byNode.remove(node);
        }
        remerge(changed);
        return changed;
    }

    /** {@code node}'s whole state is {@code pages}: what it no longer lists is gone. */
    public synchronized Set<String> replace(String node, Map<String, Presence> pages) {
        Map<String, Presence> next = new HashMap<>(pages);
        byNode.getOrDefault(node, Map.of()).keySet().forEach(page -> next.putIfAbsent(page, Presence.NOBODY));
        return update(node, next);
    }

    /** {@code node} is gone (crashed, left, or its lease lapsed): its viewers with it. */
    public synchronized Set<String> remove(String node) {
        return replace(node, Map.of());
    }

    /** Forgets every other node: Redis is away, and with it what they count. */
    public synchronized Set<String> clear() {
        Set<String> changed = new HashSet<>();
        for (String node : nodes()) {
            changed.addAll(remove(node));
        }
        return changed;
    }

    private void remerge(Set<String> pages) {
        for (String page : pages) {
            Presence sum = Presence.NOBODY;
            for (Map<String, Presence> node : byNode.values()) {
                sum = sum.with(node.getOrDefault(page, Presence.NOBODY));
            }
            if (sum.connections() == 0) {
                merged.remove(page);
            } else {
                merged.put(page, sum);
            }
        }
    }
}
