package org.headcount.cluster;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;
import org.headcount.live.Presence;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.RemoteCounts;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Shares live counts between nodes through Redis. Each node keeps who it counts per page in a hash of its own, which
 * expires unless refreshed (so a crashed node's viewers vanish), and announces each change with its content, so the
 * others apply it without a command of their own: Redis work grows with changes, not with nodes or pages. A node
 * whose hash vanished (a lapsed lease, eviction, FLUSHALL) writes it whole again. When Redis is away the node serves
 * its own counts, logs once, and on reconnect publishes its whole state again.
 */
public final class RedisCluster implements AutoCloseable {

    /** The live nodes, each scored with when its lease ends (epoch ms): one command finds the lapsed ones. */
    static final String NODES = "headcount:leases";
    static final String CHANNEL = "headcount:changes";
    static final String NODE_PREFIX = "headcount:node:";
    /** How often local changes are written and announcements acted on. */
    static final long TICK_MS = 100;
    private static final long MAX_BACKOFF_MS = 30_000;
    /** A tick blocked on Redis ends within one socket timeout (at most 2 s); this is the wait for it at close. */
    private static final long STOP_WAIT_MS = 3_000;
    private static final System.Logger LOG = System.getLogger(RedisCluster.class.getName());

    private final String nodeId = UUID.randomUUID().toString();
    private final PresenceRegistry registry;
    private final RemoteCounts remote;
    private final long nodeTimeoutMs;
    private final RedisClient redis;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("headcount-redis"));
    private final Announcements announcements;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Touched only by the scheduler thread, and by close() once it has stopped.
    private boolean connected;
    private long nextAttemptMs;
    private long backoffMs = TICK_MS;
    private long lastCheckMs;
    private long lastLeaseMs;

    public RedisCluster(URI redisUrl, long nodeTimeoutMs, PresenceRegistry registry, RemoteCounts remote) {
        this.registry = registry;
        this.remote = remote;
        this.nodeTimeoutMs = nodeTimeoutMs;
        int timeoutMs = (int) Math.min(nodeTimeoutMs / 3, 2_000);
        this.redis = RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(redisUrl))
                .clientConfig(DefaultJedisClientConfig.builder(redisUrl)
                        .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs).build())
                .build();
        this.announcements = new Announcements(redis, CHANNEL, nodeId);
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "Live counts shared through Redis at {0} as node {1}",
                JedisURIHelper.getHostAndPort(redisUrl), nodeId);
    }

    private static String nodeKey(String id) {
        return NODE_PREFIX + id;
    }

    /** Publishes local changes, keeps the lease, applies what the others announced, and checks who is still there. */
    private void tick() {
        long now = System.nanoTime() / 1_000_000;
        if (closed.get() || (!connected && now < nextAttemptMs)) {
            return;
        }
        try {
            if (!connected) {
                publishAll();
                connected = true;
                backoffMs = TICK_MS;
                LOG.log(System.Logger.Level.INFO, "Redis reachable: sharing live counts again");
            } else {
                publish(registry.takeLocalChanges(), now);
            }
            Announcements.Heard heard = announcements.take();
            boolean due = now - lastCheckMs >= nodeTimeoutMs / 3;
            Set<String> changed = apply(heard);
            if (heard.everything() || due) {
                changed.addAll(checkNodes(heard.everything()));
                lastCheckMs = now;
            }
            registry.remoteChanged(changed);
        } catch (Exception e) {
            // One bad tick must not end the schedule; Redis being away is expected and logged once per outage.
            if (connected) {
                LOG.log(System.Logger.Level.WARNING, "Redis unreachable ({0}); serving this node''s counts until it is back",
                        e.getMessage());
                connected = false;
                registry.remoteChanged(remote.clear());
            }
            nextAttemptMs = now + backoffMs;
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
    }

    /** This node's whole state, replacing its hash, and a word to the others to read it whole. */
    private void publishAll() {
        registry.takeLocalChanges();
        Map<String, Presence> all = registry.localPresence();
        String key = nodeKey(nodeId);
        try (AbstractPipeline pipe = redis.pipelined()) {
            pipe.del(key);
            Map<String, String> fields = new HashMap<>();
            all.forEach((page, presence) -> {
                if (presence.connections() > 0) {
                    fields.put(page, presence.encode());
                }
            });
            if (!fields.isEmpty()) {
                pipe.hset(key, fields);
            }
            pipe.pexpire(key, leaseMs());
            pipe.zadd(NODES, leaseEndMs(), nodeId);
            pipe.publish(CHANNEL, Announcements.whole(nodeId));
            pipe.sync();
        }
        lastLeaseMs = System.nanoTime() / 1_000_000;
    }

    /** Writes and announces the pages that changed; if the hash had vanished meanwhile, writes it whole instead. */
    private void publish(Set<String> changedPages, long now) {
        if (changedPages.isEmpty()) {
            refreshLease(now);
            return;
        }
        Map<String, Presence> local = registry.localPresence();
        Map<String, Presence> changed = new HashMap<>();
        Map<String, String> fields = new HashMap<>();
        Set<String> gone = new HashSet<>();
        for (String page : changedPages) {
            Presence presence = local.getOrDefault(page, Presence.NOBODY);
            changed.put(page, presence);
            if (presence.connections() > 0) {
                fields.put(page, presence.encode());
            } else {
                gone.add(page);
            }
        }
        String key = nodeKey(nodeId);
        Response<Long> existed;
        try (AbstractPipeline pipe = redis.pipelined()) {
            existed = pipe.pexpire(key, leaseMs());
            if (!fields.isEmpty()) {
                pipe.hset(key, fields);
            }
            if (!gone.isEmpty()) {
                pipe.hdel(key, gone.toArray(String[]::new));
            }
            pipe.pexpire(key, leaseMs());
            if (now - lastLeaseMs >= nodeTimeoutMs / 3) {
                pipe.zadd(NODES, leaseEndMs(), nodeId);
                lastLeaseMs = now;
            }
            pipe.publish(CHANNEL, Announcements.changes(nodeId, changed));
            pipe.sync();
        }
        boolean steadyPages = local.entrySet().stream()
                .anyMatch(page -> page.getValue().connections() > 0 && !changedPages.contains(page.getKey()));
        if (existed.get() == 0 && steadyPages) {
            publishAll(); // the hash had vanished: the pages that did not change are missing from it
        }
    }

    /** Keeps this node's hash alive: refreshed every nodeTimeout/3, it outlives two missed refreshes at most. */
    private void refreshLease(long now) {
        if (now - lastLeaseMs >= nodeTimeoutMs / 3) {
            lastLeaseMs = now;
            try (AbstractPipeline pipe = redis.pipelined()) {
                pipe.zadd(NODES, leaseEndMs(), nodeId);
                Response<Long> existed = pipe.pexpire(nodeKey(nodeId), leaseMs());
                pipe.sync();
                if (existed.get() == 0 && registry.localPresence().values().stream().anyMatch(p -> p.connections() > 0)) {
                    publishAll(); // the hash vanished: write it again
                }
            }
        }
    }

    /** The lease: a crashed node's hash is gone after this, and the others notice within nodeTimeout/3 more. */
    private long leaseMs() {
        return nodeTimeoutMs * 2 / 3;
    }

    /** Applies announced changes; reads whole the hashes of nodes that asked for it. */
    private Set<String> apply(Announcements.Heard heard) {
        Set<String> changed = new HashSet<>();
        if (!heard.everything()) {
            readWhole(heard.wholeNodes(), changed);
        }
        heard.pages().forEach((node, pages) -> changed.addAll(remote.update(node, pages)));
        return changed;
    }

    /** When this node's lease, renewed now, ends: by this node's clock, which the others read with some slack. */
    private double leaseEndMs() {
        return System.currentTimeMillis() + leaseMs();
    }

    /**
     * Drops the nodes whose lease lapsed (crashed, or left): one command whatever the number of nodes. With
     * {@code everything}, reads every live node whole, as after missing announcements.
     */
    private Set<String> checkNodes(boolean everything) {
        // A third of nodeTimeout of slack for clocks that differ between nodes; the lapse still shows within nodeTimeout.
        double lapsedBefore = System.currentTimeMillis() - nodeTimeoutMs / 3.0;
        Set<String> changed = new HashSet<>();
        for (String node : redis.zrangeByScore(NODES, Double.NEGATIVE_INFINITY, lapsedBefore)) {
            changed.addAll(remote.remove(node));
            redis.zrem(NODES, node);
        }
        if (everything) {
            Set<String> live = new HashSet<>(redis.zrangeByScore(NODES, lapsedBefore, Double.POSITIVE_INFINITY));
            live.remove(nodeId);
            remote.nodes().stream().filter(node -> !live.contains(node)).forEach(node -> changed.addAll(remote.remove(node)));
            readWhole(live, changed);
        }
        return changed;
    }

    private void readWhole(Set<String> nodes, Set<String> changed) {
        if (nodes.isEmpty()) {
            return;
        }
        Map<String, Response<Map<String, String>>> hashes = new HashMap<>();
        try (AbstractPipeline pipe = redis.pipelined()) {
            nodes.forEach(node -> hashes.put(node, pipe.hgetAll(nodeKey(node))));
            pipe.sync();
        }
        hashes.forEach((node, hash) -> {
            Map<String, Presence> pages = new HashMap<>();
            hash.get().forEach((page, value) -> pages.put(page, Presence.decode(value)));
            changed.addAll(remote.replace(node, pages));
        });
    }

    /** Says goodbye (this node's counts vanish everywhere at once), then stops. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            // A Redis that hangs gets no goodbye: each command would wait out its socket timeout, and the lease ends anyway.
            if (!scheduler.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS) || !connected) {
                throw new IllegalStateException("Redis is not answering");
            }
            try (AbstractPipeline pipe = redis.pipelined()) {
                pipe.del(nodeKey(nodeId));
                pipe.zrem(NODES, nodeId);
                pipe.publish(CHANNEL, Announcements.whole(nodeId));
                pipe.sync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "No goodbye to Redis ({0}); this node''s counts expire within {1}ms",
                    e.getMessage(), leaseMs());
        }
        announcements.close();
        redis.close();
    }
}
