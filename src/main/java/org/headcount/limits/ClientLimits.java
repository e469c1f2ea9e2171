package org.headcount.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;

/**
 * What one client (its address, as the container resolves it) may do per interval: new distinct keys, hits per key,
 * new live pages; and how many live connections it may hold at once. Defaults a real reader never meets. The state
 * lives in caches of fixed size, whatever the number of clients: a client evicted meanwhile starts afresh. The
 * exempt addresses (loopback by default, where a reverse proxy on this machine connects from) are never limited.
 */
public final class ClientLimits {

    private static final System.Logger LOG = System.getLogger(ClientLimits.class.getName());
    /** Clients tracked per interval: about 100 bytes each. */
    static final int MAX_CLIENTS = 100_000;
    /** (client, key) pairs tracked per interval, by their hashes (a key can be 512 characters): about 100 bytes each. */
    static final int MAX_PAIRS = 200_000;
    /** Addresses the interval's log line names; the rest are counted, up to {@link #REMEMBERED_CLIENTS}. */
    static final int LOGGED_CLIENTS = 20;
    static final int REMEMBERED_CLIENTS = 10_000;

    private final int maxNewKeys;
    private final int maxHitsPerKey;
    private final int maxLiveConnections;
    private final int maxNewLivePages;
    private final Set<String> exempt;
    private final ConcurrentHashMap<String, AtomicInteger> live = new ConcurrentHashMap<>();
    private final AtomicLong limitedTotal = new AtomicLong();
    private volatile Interval interval = new Interval();

    /** One interval's counts. */
    private static final class Interval {
        final Cache<String, AtomicInteger[]> clients = Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build();
        final Cache<Long, AtomicInteger> pairs = Caffeine.newBuilder().maximumSize(MAX_PAIRS).build();
        final Set<String> limited = ConcurrentHashMap.newKeySet();

        /** {@code [new keys, new live pages]} of {@code client} this interval. */
        AtomicInteger[] of(String client) {
            return clients.get(client, c -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()});
        }
    }

    public ClientLimits(Config config) {
        this.maxNewKeys = config.maxNewKeysPerClient();
        this.maxHitsPerKey = config.maxHitsPerKeyPerClient();
        this.maxLiveConnections = config.maxLiveConnectionsPerClient();
        this.maxNewLivePages = config.maxNewLivePagesPerClient();
        this.exempt = Set.copyOf(config.clientLimitsExempt());
    }

    /** Whether {@code client} may have this hit on {@code key} counted; a refusal is remembered for the log. */
    public boolean pixel(String client, String key) {
        if (exempt.contains(client)) {
            return true;
        }
        Interval now = interval;
        // Two pairs merge only when both the addresses' and the keys' hashes are equal: never to anyone's gain.
        Long pair = ((long) client.hashCode() << 32) | (key.hashCode() & 0xffffffffL);
        AtomicInteger hits = now.pairs.getIfPresent(pair);
        if (hits == null) {
            if (now.of(client)[0].incrementAndGet() > maxNewKeys) {
                return limited(now, client);
            }
            hits = now.pairs.get(pair, p -> new AtomicInteger());
        }
        return hits.incrementAndGet() <= maxHitsPerKey || limited(now, client);
    }

    /** Takes one of {@code client}'s live connections; false when it holds its maximum already. */
    public boolean openLive(String client) {
        if (exempt.contains(client)) {
            return true;
        }
        AtomicInteger open = live.computeIfAbsent(client, c -> new AtomicInteger());
        if (open.incrementAndGet() <= maxLiveConnections) {
            return true;
        }
        closeLive(client);
        return limited(interval, client);
    }

    /** Gives back one of {@code client}'s live connections. */
    public void closeLive(String client) {
        if (exempt.contains(client)) {
            return;
        }
        live.computeIfPresent(client, (c, open) -> open.decrementAndGet() <= 0 ? null : open);
    }

    /** Whether {@code client} may open one more page nobody was on this interval. */
    public boolean newLivePage(String client) {
        if (exempt.contains(client)) {
            return true;
        }
        Interval now = interval;
        return now.of(client)[1].incrementAndGet() <= maxNewLivePages || limited(now, client);
    }

    /** Requests refused by a per-client limit since start. */
    public long limitedTotal() {
        return limitedTotal.get();
    }

    /** Starts a new interval; says, in one line, which addresses the one ending was limited for. */
    public void newInterval() {
        Interval ended = interval;
        interval = new Interval();
        int clients = ended.limited.size();
        if (clients > 0) {
            LOG.log(System.Logger.Level.WARNING, "Per-client limits refused requests from {0}{1} address(es) this interval: {2}{3}",
                    clients >= REMEMBERED_CLIENTS ? "at least " : "", clients,
                    String.join(", ", ended.limited.stream().sorted().limit(LOGGED_CLIENTS).toList()),
                    clients > LOGGED_CLIENTS ? " and more" : "");
        }
    }

    /** Notes a refusal; always false, for the callers to answer with. */
    private boolean limited(Interval now, String client) {
        limitedTotal.incrementAndGet();
        if (now.limited.size() < REMEMBERED_CLIENTS) {
            now.limited.add(client);
        }
        return false;
    }
}
