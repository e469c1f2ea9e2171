package org.headcount.cluster;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.RemoteCounts;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Shares live counts between nodes through Redis. Each node keeps its per-page counts in a hash of its own,
 * which expires unless refreshed (so a crashed node's viewers vanish), announces changes on a channel, and
 * sums the other live nodes' hashes into {@link RemoteCounts}. When Redis is away, the node serves its own
 * counts, logs once, and on reconnect publishes its whole state again.
 */
public final class RedisCluster implements AutoCloseable {

    static final String NODES = "headcount:nodes";
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
    // Touched only by the scheduler thread.
    private boolean connected;
    private long nextAttemptMs;
    private long backoffMs = TICK_MS;
    private long lastRefreshMs;
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

    private String nodeKey(String id) {
        return NODE_PREFIX + id;
    }

    /** Publishes local changes, refreshes this node's lease, and re-reads the others when told or due. */
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
                publish(registry.takeLocalChanges());
            }
            if (announcements.takeHeard() || now - lastRefreshMs >= nodeTimeoutMs / 3) {
                refresh();
                lastRefreshMs = now;
            }
        } catch (Exception e) {
            // One bad tick must not end the schedule; Redis being away is expected and logged once per outage.
            if (connected) {
                LOG.log(System.Logger.Level.WARNING, "Redis unreachable ({0}); serving this node''s counts until it is back",
                        e.getMessage());
                connected = false;
                registry.remoteChanged(remote.replace(Map.of()));
            }
            nextAttemptMs = now + backoffMs;
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
    }

    /** This node's whole state, replacing its hash: after a (re)connect it may be stale or gone. */
    private void publishAll() {
        registry.takeLocalChanges();
        redis.del(nodeKey(nodeId));
        write(registry.localCounts(), Set.of());
    }

    private void publish(Set<String> changedPages) {
        if (changedPages.isEmpty()) {
            refreshLease();
            return;
        }
        Map<String, Integer> local = registry.localCounts();
        Map<String, Integer> changed = new HashMap<>();
        Set<String> gone = new java.util.HashSet<>();
        for (String page : changedPages) {
            int n = local.getOrDefault(page, 0);
            if (n > 0) {
                changed.put(page, n);
            } else {
                gone.add(page);
            }
        }
        write(changed, gone);
    }

    private void write(Map<String, Integer> counts, Set<String> gone) {
        String key = nodeKey(nodeId);
        try (AbstractPipeline pipe = redis.pipelined()) {
            Map<String, String> fields = new HashMap<>();
            counts.forEach((page, n) -> {
                if (n > 0) {
                    fields.put(page, Integer.toString(n));
                }
            });
            if (!fields.isEmpty()) {
                pipe.hset(key, fields);
            }
            if (!gone.isEmpty()) {
                pipe.hdel(key, gone.toArray(String[]::new));
            }
            pipe.sadd(NODES, nodeId);
            pipe.pexpire(key, leaseMs());
            pipe.publish(CHANNEL, nodeId);
            pipe.sync();
        }
    }

    /** Keeps this node's hash alive: refreshed every nodeTimeout/3, it outlives two missed refreshes at most. */
    private void refreshLease() {
        long now = System.nanoTime() / 1_000_000;
        if (now - lastLeaseMs >= nodeTimeoutMs / 3) {
            lastLeaseMs = now;
            redis.sadd(NODES, nodeId);
            if (redis.pexpire(nodeKey(nodeId), leaseMs()) == 0 && !registry.localCounts().values().stream().allMatch(n -> n == 0)) {
                publishAll(); // Redis lost our hash (a restart between two ticks): write it again
            }
        }
    }

    /** The lease: a crashed node's hash is gone after this, and the others notice within nodeTimeout/3 more. */
    private long leaseMs() {
        return nodeTimeoutMs * 2 / 3;
    }

    /** Sums every other live node's hash; a node whose hash expired is dropped from the set. */
    private void refresh() {
        Set<String> nodes = redis.smembers(NODES);
        Map<String, Response<Map<String, String>>> hashes = new HashMap<>();
        try (AbstractPipeline pipe = redis.pipelined()) {
            for (String node : nodes) {
                if (!node.equals(nodeId)) {
                    hashes.put(node, pipe.hgetAll(nodeKey(node)));
                }
            }
            pipe.sync();
        }
        Map<String, Integer> sum = new HashMap<>();
        hashes.forEach((node, hash) -> {
            Map<String, String> counts = hash.get();
            if (counts.isEmpty()) {
                redis.srem(NODES, node); // expired: crashed, or left without counts
            }
            counts.forEach((page, n) -> sum.merge(page, Integer.parseInt(n), Integer::sum));
        });
        registry.remoteChanged(remote.replace(sum));
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
            redis.del(nodeKey(nodeId));
            redis.srem(NODES, nodeId);
            redis.publish(CHANNEL, nodeId);
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
