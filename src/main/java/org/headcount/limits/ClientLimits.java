package org.headcount.limits;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;

/**
 * What one client (its address, as the container resolves it) may do per interval: new distinct keys, hits per key,
 * new live pages; and how many live connections it may hold at once. Defaults a real reader never meets. The
 * interval's counts live in {@link CountTable}s of fixed size, 6 MiB in all whatever the number of clients: when
 * more clients come than fit, the ones with the smallest counts start afresh. The exempt addresses (loopback by
 * default, where a reverse proxy on this machine connects from) are never limited.
 */
public final class ClientLimits {

    private static final System.Logger LOG = System.getLogger(ClientLimits.class.getName());
    /** (client, key) pairs counted per interval: 4 MiB. */
    static final int PAIR_SLOTS = 1 << 19;
    /** Clients counted per interval, for new keys and for new live pages: 1 MiB each. */
    static final int CLIENT_SLOTS = 1 << 17;
    /** Addresses the interval's log line names; the rest are counted, up to {@link #REMEMBERED_CLIENTS}. */
    static final int LOGGED_CLIENTS = 20;
    static final int REMEMBERED_CLIENTS = 10_000;

    private final int maxNewKeys;
    private final int maxHitsPerKey;
    private final int maxLiveConnections;
    private final int maxNewLivePages;
    private final Set<String> exempt;
    /** Hashes are seeded per process, so nobody can aim their requests at somebody else's counts. */
    private final long seed = new SecureRandom().nextLong();
    private final CountTable hitsPerPair = new CountTable(PAIR_SLOTS);
    private final CountTable newKeys = new CountTable(CLIENT_SLOTS);
    private final CountTable newLivePages = new CountTable(CLIENT_SLOTS);
    private final ConcurrentHashMap<String, AtomicInteger> live = new ConcurrentHashMap<>();
    private final AtomicLong limitedTotal = new AtomicLong();
    private volatile int interval;
    private volatile Set<String> limited = ConcurrentHashMap.newKeySet();

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
        int now = interval;
        long clientHash = hash(seed, client);
        long pair = hash(clientHash, key);
        int hits = hitsPerPair.increment(pair, now, false);
        if (hits == 0) {
            if (newKeys.increment(clientHash, now, true) > maxNewKeys) {
                return limited(client);
            }
            hits = hitsPerPair.increment(pair, now, true);
        }
        return hits <= maxHitsPerKey || limited(client);
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
        return limited(client);
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
        return newLivePages.increment(hash(seed, client), interval, true) <= maxNewLivePages || limited(client);
    }

    /** Requests refused by a per-client limit since start. */
    public long limitedTotal() {
        return limitedTotal.get();
    }

    /** Starts a new interval; says, in one line, which addresses the one ending was limited for. */
    public synchronized void newInterval() {
        Set<String> ended = limited;
        limited = ConcurrentHashMap.newKeySet();
        interval++;
        int clients = ended.size();
        if (clients > 0) {
            LOG.log(System.Logger.Level.WARNING, "Per-client limits refused requests from {0}{1} address(es) this interval: {2}{3}",
                    clients >= REMEMBERED_CLIENTS ? "at least " : "", clients,
                    String.join(", ", ended.stream().sorted().limit(LOGGED_CLIENTS).toList()),
                    clients > LOGGED_CLIENTS ? " and more" : "");
        }
    }

    /** Notes a refusal; always false, for the callers to answer with. */
    private boolean limited(String client) {
        limitedTotal.incrementAndGet();
        Set<String> now = limited;
        if (now.size() < REMEMBERED_CLIENTS) {
            now.add(client);
        }
        return false;
    }

    /**
     * A 64-bit hash of {@code text}, from state {@code start}: FNV-1a over its characters, then SplitMix64's finalizer.
     * Started from the secret seed, nobody can choose two strings (nor two keys of theirs) that share a count.
     */
    private static long hash(long start, String text) {
        long z = start;
        for (int i = 0; i < text.length(); i++) {
            z = (z ^ text.charAt(i)) * 0x100000001b3L;
        }
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
