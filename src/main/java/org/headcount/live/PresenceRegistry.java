package org.headcount.live;

import jakarta.json.bind.Jsonb;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    private final LongSupplier clockMs;
    private final ConcurrentHashMap<String, Page> pages = new ConcurrentHashMap<>();
    private final Watchers watchers;
    private final ClusterCounts counts;
    private final Notices notices;
    private final Admission admission;

    /** A single node; {@code clockMs} is a monotonic millisecond clock (tests pass their own). */
    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs) {
        this(config, jsonb, clockMs, RemoteCounts.singleNode());
    }

    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs, RemoteCounts remote) {
        this(config, jsonb, clockMs, remote, new ClientLimits(config));
    }

    /** {@code limits} are shared with the pixel: one budget per client for the whole deployment. */
    public PresenceRegistry(Config config, Jsonb jsonb, LongSupplier clockMs, RemoteCounts remote, ClientLimits limits) {
        this.admission = new Admission(config, limits);
        this.config = config;
        this.clockMs = clockMs;
        this.watchers = new Watchers(config.notifyMinDelayMs());
        this.counts = new ClusterCounts(pages, remote, config.countByVisitors());
        this.notices = new Notices(config, jsonb, counts, remote.isClustered(), watchers);
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
        admission.checkName(pageName);
        admission.reserveClient(client);
        try {
            admission.reserveConnection(subscriber);
        } catch (Refused e) {
            admission.releaseClient(client);
            throw e;
        }
        long now = clockMs.getAsLong();
        Page.Membership membership = new Page.Membership(
                visitor != null && VISITOR_ID.matcher(visitor).matches() ? visitor : null, now);
        Refused[] refusal = {null};
        Page page = pages.compute(pageName, (name, existing) -> {
            Page p = existing;
            if (p == null) {
                refusal[0] = admission.newPage(pages.size(), client);
                if (refusal[0] != null) {
                    return null;
                }
                p = new Page(name, System.currentTimeMillis(), now);
            }
            p.members.put(subscriber, membership);
            p.connections.incrementAndGet();
            return p;
        });
        if (page == null) {
            admission.releaseConnection(subscriber);
            admission.releaseClient(client);
            throw refusal[0];
        }
        if (config.incrementDelayMs() == 0) {
            page.count(membership);
            notices.changed(page);
        } else {
            notices.countFrom(page, membership, now + config.incrementDelayMs());
        }
        subscriber.send(notices.frame(page.name, counts.of(page)));
        return new Member(page, subscriber, client);
    }

    /**
     * Refuses what {@link #join} would refuse, before a transport commits to a response: a bad name, or no room
     * now (join still has the last word, since room can run out in between).
     */
    public void check(String pageName) throws Refused {
        admission.checkName(pageName);
        admission.checkRoom();
        if (!pages.containsKey(pageName)) {
            admission.checkPageRoom(pages.size());
        }
    }

    /** Refuses a connection when there is no room for one more now: what a watcher of every page must pass. */
    public void checkRoom() throws Refused {
        admission.checkRoom();
    }

    /** Removes a member; safe to call more than once. */
    public void leave(Member member) {
        Page page = member.page();
        Page.Membership membership = page.members.remove(member.subscriber());
        if (membership != null) {
            page.leave(membership);
            admission.releaseConnection(member.subscriber());
            admission.releaseClient(member.client());
            if (page.members.isEmpty()) {
                page.emptySinceMs = clockMs.getAsLong();
            }
            notices.changed(page);
        }
    }

    /** Adds a watcher of every page, who is not counted on any; it gets the all-pages frame at once. */
    public void watch(Subscriber watcher) throws Refused {
        admission.reserveConnection(watcher);
        notices.watch(watcher, clockMs.getAsLong());
    }

    public void unwatch(Subscriber watcher) {
        if (watchers.remove(watcher)) {
            admission.releaseConnection(watcher);
        }
    }

    /** Pages whose local count changed since the last call, for the cluster to publish. */
    public Set<String> takeLocalChanges() {
        return notices.takeLocalChanges();
    }

    /** Who this node counts on every page it knows. */
    public Map<String, Presence> localPresence() {
        Map<String, Presence> presence = new TreeMap<>();
        pages.forEach((name, page) -> presence.put(name, page.presence()));
        return presence;
    }

    /** Other nodes' counts changed for {@code names}: their members here hear it when the throttle allows. */
    public void remoteChanged(Set<String> names) {
        notices.remoteChanged(names.stream().map(pages::get).filter(Objects::nonNull).toList());
    }

    /** Live connections on this node, watchers included. */
    public int connections() {
        return admission.connections();
    }

    public int pages() {
        return pages.size();
    }

    /** Open connections per transport and the connections ended or refused, for the metrics. */
    public LiveMeters meters() {
        return admission.meters();
    }

    /** Members on every page now (watchers are not members); one pass over the pages. */
    public int totalOnline() {
        return PageRanking.of(counts.all(), 1).total();
    }

    /** The {@code n} pages with the most members now, busiest first; pages nobody is on are left out. */
    public List<Frames.PageCount> topPages(int n) {
        return PageRanking.of(counts.all(), n).busiest();
    }

    /** The page's count across the cluster. */
    public int online(String pageName) {
        return counts.of(pageName);
    }

    /** How many frames were serialized: one per page per notice, however many members it has. */
    public long serializations() {
        return notices.serializations();
    }

    /** Audience Meter's {@code /stats}, across the cluster unless {@code localOnly}: see {@link ClusterCounts#stats}. */
    public Map<String, Frames.PageStats> stats(boolean localOnly) {
        return counts.stats(localOnly);
    }

    /** The notifier's work: the notices due, see {@link Notices}. */
    public void tick() {
        notices.tick(clockMs.getAsLong());
    }

    /** Runs {@code wake} whenever a notice becomes pending: the notifier ticks only while there is something to tell. */
    public void onPendingNotice(Runnable wake) {
        notices.onPending(wake);
    }

    /** Whether a later {@link #tick} has anything to do. */
    public boolean noticesPending() {
        return notices.pending();
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
                    p.members.isEmpty() && now - p.emptySinceMs >= config.pageCleanDelayMs() && !notices.pending(p) ? null : p);
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
}
