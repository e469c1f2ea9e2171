package org.headcount.live;

import jakarta.json.bind.Jsonb;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.headcount.config.Config;
import org.headcount.limits.ClientLimits;
import org.headcount.live.Subscriber.Closing;

/**
 * Who is on which page right now. Joins and leaves take only their page's tiny lock; {@link #tick} (the notifier's
 * one thread) tells each changed page's members when the throttle allows, with one JSON text per page. A page's
 * count is its distinct visitors plus its connections without a visitor id ({@code countBy=visitors}), or its
 * connections; a connection counts once it has stayed {@code incrementDelay}. In a cluster the count spans this
 * node and the other nodes' {@link RemoteCounts}, a visitor on several nodes once.
 */
public final class PresenceRegistry {

    /**
     * The most pages a watcher frame names, busiest first, so a node with 100,000 pages never serializes them all
     * every notice; its {@code total} still counts every page.
     */
    public static final int WATCH_MAX_PAGES = 1_000;
    /** What a visitor id may be: what headcount.js makes (32 hex digits), bounded so a forged one costs nothing. */
    private static final Pattern VISITOR_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final Config config;
    private final Throttle throttle;
    private final Jsonb jsonb;
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<String, Page> pages = new ConcurrentHashMap<>();
    private final Set<Page> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong serializations = new AtomicLong();
    private final RemoteCounts remote;
    private final Set<String> localChanges = ConcurrentHashMap.newKeySet();
    private final LiveMeters meters = new LiveMeters();
    private final Watchers watchers;
    private final boolean byVisitors;
    private final ClientLimits limits;
    /** Connections waiting out incrementDelay, in the order they joined (so also the order they become due). */
    private final Queue<Maturing> maturing = new ConcurrentLinkedQueue<>();

    private record Maturing(Page page, Page.Membership membership, long dueMs) {}

    /** A single node; {@code clockMs} is a monotonic millisecond clock (tests pass their own). */
    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs) {
        this(config, jsonb, clockMs, RemoteCounts.singleNode());
    }

    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs, RemoteCounts remote) {
        this(config, jsonb, clockMs, remote, new ClientLimits(config));
    }

    /** {@code limits} are shared with the pixel: one budget per client for the whole deployment. */
    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs, RemoteCounts remote, ClientLimits limits) {
        this.remote = remote;
        this.limits = limits;
        this.config = config;
        this.watchers = new Watchers(config.notifyMinDelayMs());
        this.throttle = new Throttle(config.notifyDeltaRatio(), config.notifyMinDelayMs(), config.notifyMaxDelayMs());
        this.jsonb = jsonb;
        this.clockMs = clockMs;
        this.byVisitors = config.countByVisitors();
    }

    /** A subscriber's place on a page, to hand back to {@link #leave}; {@code client} is its address, or null. */
    public record Member(Page page, Subscriber subscriber, String client) {}

    /** As {@link #join(String, String, String, Subscriber)}, for a connection without a visitor id or address. */
    public Member join(String pageName, Subscriber subscriber) throws Refused {
        return join(pageName, null, null, subscriber);
    }

    /**
     * Adds {@code subscriber}, from address {@code client} (null: unknown, no per-client limit), to {@code pageName}
     * as {@code visitor} and sends it the page's count at once. Never trust the client: the name is any string,
     * refused only when empty, too long, one page too many, or one too many for this address; a visitor id that is
     * not one is ignored, and an id shared by many connections counts them once.
     */
    public Member join(String pageName, String visitor, String client, Subscriber subscriber) throws Refused {
        checkName(pageName);
        reserveClient(client);
        try {
            reserveConnection(subscriber);
        } catch (Refused e) {
            releaseClient(client);
            throw e;
        }
        long now = clockMs.getAsLong();
        Page.Membership membership = new Page.Membership(
                visitor != null && VISITOR_ID.matcher(visitor).matches() ? visitor : null, now);
        Refused[] refusal = {null};
        Page page = pages.compute(pageName, (name, existing) -> {
            Page p = existing;
            if (p == null) {
                if (pages.size() >= config.maxPages()) {
                    refusal[0] = refused("too many pages (maxPages " + config.maxPages() + ")");
                    return null;
                }
                if (client != null && !limits.newLivePage(client)) {
                    refusal[0] = limited("too many new pages from one address (maxNewLivePagesPerClient "
                            + config.maxNewLivePagesPerClient() + ")");
                    return null;
                }
                p = new Page(name, System.currentTimeMillis(), now);
            }
            p.members.put(subscriber, membership);
            p.connections.incrementAndGet();
            return p;
        });
        if (page == null) {
            release(subscriber);
            releaseClient(client);
            throw refusal[0];
        }
        if (config.incrementDelayMs() == 0) {
            page.count(membership);
            changed(page);
        } else {
            maturing.add(new Maturing(page, membership, now + config.incrementDelayMs()));
        }
        subscriber.send(frame(page.name, total(page)));
        return new Member(page, subscriber, client);
    }

    /**
     * Refuses what {@link #join} would refuse, before a transport commits to a response: a bad name, or no room
     * now (join still has the last word, since room can run out in between).
     */
    public void check(String pageName) throws Refused {
        checkName(pageName);
        checkRoom();
        if (!pages.containsKey(pageName) && pages.size() >= config.maxPages()) {
            throw refused("too many pages (maxPages " + config.maxPages() + ")");
        }
    }

    /** Refuses a connection when there is no room for one more now: what a watcher of every page must pass. */
    public void checkRoom() throws Refused {
        if (connections.get() >= config.maxConnections()) {
            throw refused("too many connections (maxConnections " + config.maxConnections() + ")");
        }
    }

    private void checkName(String pageName) throws Refused {
        if (pageName == null || pageName.isEmpty()) {
            throw refused("page required");
        }
        if (pageName.length() > config.maxPageLength()) {
            throw refused("page longer than " + config.maxPageLength() + " characters");
        }
    }

    /** Every refusal passes here once, so the metrics see each turned-away connection exactly once. */
    private Refused refused(String reason) {
        meters.drop(LiveMeters.Drop.REFUSED);
        return new Refused(reason);
    }

    /** A refusal for a per-client limit: counted apart, so operators see who is being limited. */
    private Refused limited(String reason) {
        meters.drop(LiveMeters.Drop.RATE_LIMITED);
        return new Refused(reason);
    }

    /** Removes a member; safe to call more than once. */
    public void leave(Member member) {
        Page page = member.page();
        Page.Membership membership = page.members.remove(member.subscriber());
        if (membership != null) {
            page.leave(membership);
            release(member.subscriber());
            releaseClient(member.client());
            if (page.members.isEmpty()) {
                page.emptySinceMs = clockMs.getAsLong();
            }
            changed(page);
        }
    }

    /** Adds a watcher of every page, who is not counted on any; it gets the all-pages frame at once. */
    public void watch(Subscriber watcher) throws Refused {
        reserveConnection(watcher);
        watchers.add(watcher, clockMs.getAsLong(), allPagesFrame());
    }

    public void unwatch(Subscriber watcher) {
        if (watchers.remove(watcher)) {
            release(watcher);
        }
    }

    private void reserveConnection(Subscriber subscriber) throws Refused {
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            throw refused("too many connections (maxConnections " + config.maxConnections() + ")");
        }
        meters.opened(subscriber.transport());
    }

    private void reserveClient(String client) throws Refused {
        if (client != null && !limits.openLive(client)) {
            throw limited("too many live connections from one address (maxLiveConnectionsPerClient "
                    + config.maxLiveConnectionsPerClient() + ")");
        }
    }

    private void releaseClient(String client) {
        if (client != null) {
            limits.closeLive(client);
        }
    }

    private void release(Subscriber subscriber) {
        connections.decrementAndGet();
        meters.closed(subscriber.transport());
    }

    private void changed(Page page) {
        dirty.add(page);
        watchers.changed();
        if (remote.isClustered()) {
            localChanges.add(page.name);
        }
    }

    /** Pages whose local count changed since the last call, for the cluster to publish. */
    public Set<String> takeLocalChanges() {
        Set<String> taken = new java.util.HashSet<>();
        for (Iterator<String> it = localChanges.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
    }

    /** Who this node counts on every page it knows. */
    public Map<String, Presence> localPresence() {
        Map<String, Presence> presence = new TreeMap<>();
        pages.forEach((name, page) -> presence.put(name, page.presence()));
        return presence;
    }

    /** Other nodes' counts changed for {@code names}: their members here hear it when the throttle allows. */
    public void remoteChanged(Set<String> names) {
        for (String name : names) {
            Page page = pages.get(name);
            if (page != null) {
                dirty.add(page);
            }
        }
        watchers.changed();
    }

    private int total(Page page) {
        Presence others = remote.of(page.name);
        return others.connections() == 0 ? page.online(byVisitors) : page.presence().with(others).count(byVisitors);
    }

    /** Who is counted on {@code name} across the cluster. */
    private Presence clusterPresence(String name) {
        Page page = pages.get(name);
        Presence others = remote.of(name);
        return page == null ? others : page.presence().with(others);
    }

    /** The count of every page across the cluster. */
    private Map<String, Integer> clusterCounts() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        remote.all().keySet().forEach(name -> counts.put(name, clusterPresence(name).count(byVisitors)));
        pages.forEach((name, page) -> counts.putIfAbsent(name, page.online(byVisitors)));
        return counts;
    }

    /** Live connections on this node, watchers included. */
    public int connections() {
        return connections.get();
    }

    public int pages() {
        return pages.size();
    }

    /** Open connections per transport and the connections ended or refused, for the metrics. */
    public LiveMeters meters() {
        return meters;
    }

    /** Members on every page now (watchers are not members); one pass over the pages. */
    public int totalOnline() {
        return PageRanking.of(clusterCounts(), 1).total();
    }

    /** The {@code n} pages with the most members now, busiest first; pages nobody is on are left out. */
    public List<Frames.PageCount> topPages(int n) {
        return PageRanking.of(clusterCounts(), n).busiest();
    }

    /** The page's count across the cluster. */
    public int online(String pageName) {
        return clusterPresence(pageName).count(byVisitors);
    }

    /** How many frames were serialized: one per page per notice, however many members it has. */
    public long serializations() {
        return serializations.get();
    }

    /**
     * Audience Meter's {@code /stats}, sorted by name: {@code members} (the count) and {@code visitors} across the
     * cluster unless {@code localOnly}; {@code created} and {@code connections} are this node's (0 for a page only
     * other nodes have).
     */
    public Map<String, Frames.PageStats> stats(boolean localOnly) {
        Map<String, Frames.PageStats> stats = new TreeMap<>();
        pages.forEach((name, p) -> {
            Presence presence = localOnly ? p.presence() : clusterPresence(name);
            stats.put(name, new Frames.PageStats(p.createdEpochMs / 1000, p.connections.get(), presence.count(byVisitors),
                    presence.people()));
        });
        if (!localOnly) {
            remote.all().forEach((name, presence) -> stats.putIfAbsent(name,
                    new Frames.PageStats(0, 0, presence.count(byVisitors), presence.people())));
        }
        return stats;
    }

    /** The notifier's work: notices for changed pages and watchers, then expiry of long connections and empty pages. */
    public void tick() {
        long now = clockMs.getAsLong();
        for (Maturing due = maturing.peek(); due != null && due.dueMs() <= now; due = maturing.peek()) {
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
            int online = total(page);
            if (throttle.due(page.lastSent, online, now - page.lastSentMs)) {
                Frame frame = frame(page.name, online);
                page.members.keySet().forEach(member -> member.send(frame));
                page.lastSent = online;
                page.lastSentMs = now;
            } else if (online != page.lastSent) {
                dirty.add(page); // not yet: ask again next tick
            }
        }
        watchers.tick(now, this::allPagesFrame);
    }

    /** Closes connections older than maxConnDuration and forgets pages empty for pageCleanDelay. */
    public void sweep() {
        long now = clockMs.getAsLong();
        long maxAge = config.maxConnDurationMs();
        pages.forEach((name, page) -> {
            if (maxAge > 0) {
                page.members.forEach((member, membership) -> {
                    if (now - membership.joinedMs >= maxAge && member.expires()) {
                        member.close(Closing.EXPIRED);
                    }
                });
            }
            pages.computeIfPresent(name, (n, p) ->
                    p.members.isEmpty() && now - p.emptySinceMs >= config.pageCleanDelayMs() && !dirty.contains(p) ? null : p);
        });
        if (maxAge > 0) {
            watchers.expire(now, maxAge);
        }
    }

    /** Keeps idle connections open through proxies. */
    public void heartbeat() {
        pages.values().forEach(page -> page.members.keySet().forEach(Subscriber::heartbeat));
        watchers.forEach(Subscriber::heartbeat);
    }

    /** Ends every connection: the server is stopping. */
    public void closeAll() {
        pages.values().forEach(page -> page.members.keySet().forEach(member -> member.close(Closing.SHUTDOWN)));
        watchers.forEach(watcher -> watcher.close(Closing.SHUTDOWN));
    }

    private Frame frame(String page, int online) {
        serializations.incrementAndGet();
        return new Frame(page, online, jsonb.toJson(new Frames.PageCount(page, online)));
    }

    /** Every page's members in {@code total}, and the {@link #WATCH_MAX_PAGES} busiest pages by name. */
    private Frame allPagesFrame() {
        PageRanking ranking = PageRanking.of(clusterCounts(), WATCH_MAX_PAGES);
        Map<String, Integer> counts = new TreeMap<>();
        ranking.busiest().forEach(page -> counts.put(page.page(), page.online()));
        serializations.incrementAndGet();
        return new Frame(null, ranking.total(), jsonb.toJson(new Frames.AllPages(ranking.total(), counts)));
    }
}
