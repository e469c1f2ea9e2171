package org.headcount.live;

import jakarta.json.bind.Jsonb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;

/**
 * What the live side has yet to tell: pages whose count changed, connections waiting out incrementDelay, and the
 * watchers of every page. {@link #tick} (the notifier's one thread) sends each changed page's members one JSON
 * text when the throttle allows; a change marks the page again at any time, so none is missed.
 */
final class Notices {

    private final Throttle throttle;
    private final Jsonb jsonb;
    private final ClusterCounts counts;
    private final boolean clustered;
    private final Watchers watchers;
    private final Set<Page> dirty = ConcurrentHashMap.newKeySet();
    private final Set<String> localChanges = ConcurrentHashMap.newKeySet();
    /** Connections waiting out incrementDelay, in the order they joined (so also the order they become due). */
    private final Queue<Maturing> maturing = new ConcurrentLinkedQueue<>();
    private final AtomicLong serializations = new AtomicLong();
    private volatile Runnable onPending = () -> { };

    private record Maturing(Page page, Page.Membership membership, long dueMs) {}

    Notices(Config config, Jsonb jsonb, ClusterCounts counts, boolean clustered, Watchers watchers) {
        this.throttle = new Throttle(config.notifyDeltaRatio(), config.notifyMinDelayMs(), config.notifyMaxDelayMs());
        this.watchers = watchers;
        this.jsonb = jsonb;
        this.counts = counts;
        this.clustered = clustered;
    }

    /** Runs {@code action} whenever a notice becomes pending, so that a tick comes. */
    void onPending(Runnable action) {
        onPending = action;
    }

    /** {@code page}'s count here changed: its members, the watchers and the other nodes are to hear of it. */
    void changed(Page page) {
        dirty.add(page);
        watchers.changed();
        if (clustered) {
            localChanges.add(page.name);
        }
        onPending.run();
    }

    /** Counts {@code membership} on {@code page} at the first tick from {@code dueMs}. */
    void countFrom(Page page, Page.Membership membership, long dueMs) {
        maturing.add(new Maturing(page, membership, dueMs));
        onPending.run();
    }

    /** Other nodes' counts changed for {@code pages}. */
    void remoteChanged(List<Page> pages) {
        dirty.addAll(pages);
        watchers.changed();
        onPending.run();
    }

    /** Whether {@code page} has a notice still to send. */
    boolean pending(Page page) {
        return dirty.contains(page);
    }

    /** Whether a later tick has anything to do: a notice held back by the throttle, or a count not yet due. */
    boolean pending() {
        return !dirty.isEmpty() || !maturing.isEmpty() || watchers.pending();
    }

    /** Pages whose local count changed since the last call, for the cluster to publish. */
    Set<String> takeLocalChanges() {
        Set<String> taken = new HashSet<>();
        for (Iterator<String> it = localChanges.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
    }

    /** Sends {@code watcher} the all-pages frame and every later one. */
    void watch(Subscriber watcher, long nowMs) {
        watchers.add(watcher, nowMs, allPagesFrame());
    }

    /** Counts the connections now due, then sends the notices the throttle allows. */
    void tick(long nowMs) {
        for (Maturing due = maturing.peek(); due != null && due.dueMs() <= nowMs; due = maturing.peek()) {
            maturing.poll();
            if (due.page().count(due.membership())) {
                changed(due.page());
            }
        }
        List<Page> changed = new ArrayList<>(dirty.size());
        for (Iterator<Page> it = dirty.iterator(); it.hasNext(); ) {
            changed.add(it.next());
            it.remove(); // before reading the count: a change from here on marks the page again
        }
        for (Page page : changed) {
            int online = counts.of(page);
            if (throttle.due(page.lastSent, online, nowMs - page.lastSentMs)) {
                Frame frame = frame(page.name, online);
                page.members.keySet().forEach(member -> member.send(frame));
                page.lastSent = online;
                page.lastSentMs = nowMs;
            } else if (online != page.lastSent) {
                dirty.add(page); // not yet: ask again next tick
            }
        }
        watchers.tick(nowMs, this::allPagesFrame);
    }

    /** How many frames were serialized: one per page per notice, however many members it has. */
    long serializations() {
        return serializations.get();
    }

    Frame frame(String page, int online) {
        serializations.incrementAndGet();
        return new Frame(page, online, jsonb.toJson(new Frames.PageCount(page, online)));
    }

    /** Every page's members in {@code total}, and the {@link PresenceRegistry#WATCH_MAX_PAGES} busiest by name. */
    private Frame allPagesFrame() {
        PageRanking ranking = PageRanking.of(counts.all(), PresenceRegistry.WATCH_MAX_PAGES);
        Map<String, Integer> byName = new TreeMap<>();
        ranking.busiest().forEach(page -> byName.put(page.page(), page.online()));
        serializations.incrementAndGet();
        return new Frame(null, ranking.total(), jsonb.toJson(new Frames.AllPages(ranking.total(), byName)));
    }
}
