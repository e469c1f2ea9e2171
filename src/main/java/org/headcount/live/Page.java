package org.headcount.live;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** One page's members (subscriber → when it joined), its history for /stats, and its throttle state. */
final class Page {

    final String name;
    final long createdEpochMs;
    final AtomicLong connections = new AtomicLong();
    final ConcurrentHashMap<Subscriber, Long> members = new ConcurrentHashMap<>();
    volatile long emptySinceMs;
    // Touched only by the notifier thread.
    int lastSent;
    long lastSentMs;

    Page(String name, long createdEpochMs, long nowMs) {
        this.name = name;
        this.createdEpochMs = createdEpochMs;
        this.lastSentMs = nowMs;
        this.emptySinceMs = nowMs;
    }

    int online() {
        return members.size();
    }
}
