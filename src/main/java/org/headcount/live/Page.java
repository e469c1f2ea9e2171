package org.headcount.live;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One page's members, who among them is counted (a visitor once however many of its connections, a connection
 * without a visitor id on its own), its history for /stats, and its throttle state.
 */
final class Page {

    /** One connection on the page: its visitor id (or null), when it joined, and whether it is counted yet. */
    static final class Membership {
        final String visitor;
        final long joinedMs;
        // Guarded by the page.
        private boolean counted;
        private boolean left;

        Membership(String visitor, long joinedMs) {
            this.visitor = visitor;
            this.joinedMs = joinedMs;
        }
    }

    final String name;
    final long createdEpochMs;
    final AtomicLong connections = new AtomicLong();
    final ConcurrentHashMap<Subscriber, Membership> members = new ConcurrentHashMap<>();
    volatile long emptySinceMs;
    // Guarded by this: the counted connections of each visitor, and those without a visitor id.
    private final Map<String, Integer> visitors = new HashMap<>();
    private int anonymous;
    private volatile int people;
    private volatile int counted;
    // Touched only by the notifier thread.
    int lastSent;
    long lastSentMs;

    Page(String name, long createdEpochMs, long nowMs) {
        this.name = name;
        this.createdEpochMs = createdEpochMs;
        this.lastSentMs = nowMs;
        this.emptySinceMs = nowMs;
    }

    /** Starts counting {@code m}, unless it left already; answers whether the count may have moved. */
    synchronized boolean count(Membership m) {
        if (m.left || m.counted) {
            return false;
        }
        m.counted = true;
        if (m.visitor == null) {
            anonymous++;
        } else {
            visitors.merge(m.visitor, 1, Integer::sum);
        }
        settle(1);
        return true;
    }

    /** {@code m} left: it is never counted again. */
    synchronized void leave(Membership m) {
        m.left = true;
        if (!m.counted) {
            return;
        }
        m.counted = false;
        if (m.visitor == null) {
            anonymous--;
        } else {
            visitors.computeIfPresent(m.visitor, (id, n) -> n == 1 ? null : n - 1);
        }
        settle(-1);
    }

    private void settle(int connectionsDelta) {
        counted += connectionsDelta;
        people = visitors.size() + anonymous;
    }

    /** The page's count on this node: distinct visitors plus connections without an id, or counted connections. */
    int online(boolean byVisitors) {
        return byVisitors ? people : counted;
    }

    /** Who is counted here now, for the other nodes and for counting visitors across them. */
    synchronized Presence presence() {
        return new Presence(counted, anonymous, visitors.keySet());
    }
}
