package org.headcount.cluster;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;
import org.headcount.live.Presence;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/**
 * The cluster's channel. A node announces what changed with the change itself: {@code {"node":id,"pages":{P:presence
 * or null}}}, so hearing it costs the others no Redis command; {@code {"node":id,"whole":true}} asks them to read its
 * whole hash (it was written anew, or emptied on leaving). Listens on a connection and thread of its own (a
 * subscription blocks) and reconnects with back-off while Redis is away; after any (re)subscription everything is
 * read again, since announcements may have been missed meanwhile.
 */
final class Announcements implements AutoCloseable {

    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final System.Logger LOG = System.getLogger(Announcements.class.getName());

    /** What was heard since the last {@link #take()}: pages per node, nodes to read whole, or everything. */
    record Heard(boolean everything, Set<String> wholeNodes, Map<String, Map<String, Presence>> pages) {}

    private final RedisClient redis;
    private final String channel;
    private final String ownId;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Subscription subscription = new Subscription();
    private final Thread thread;
    // Guarded by this.
    private boolean everything = true;
    private Set<String> wholeNodes = new HashSet<>();
    private Map<String, Map<String, Presence>> pages = new HashMap<>();

    Announcements(RedisClient redis, String channel, String ownId) {
        this.redis = redis;
        this.channel = channel;
        this.ownId = ownId;
        this.thread = DaemonThreads.named("headcount-redis-listen").newThread(this::listen);
        thread.start();
    }

    /** The announcement of {@code changed} pages of node {@code id} (a presence of nobody: the page is gone). */
    static String changes(String id, Map<String, Presence> changed) {
        JsonObjectBuilder pages = Json.createObjectBuilder();
        changed.forEach((page, presence) -> {
            if (presence.connections() == 0) {
                pages.addNull(page);
            } else {
                pages.add(page, presence.encode());
            }
        });
        return Json.createObjectBuilder().add("node", id).add("pages", pages).build().toString();
    }

    /** The announcement that node {@code id}'s hash is to be read whole. */
    static String whole(String id) {
        return Json.createObjectBuilder().add("node", id).add("whole", true).build().toString();
    }

    /** What other nodes announced since the last call. */
    synchronized Heard take() {
        Heard heard = new Heard(everything, wholeNodes, pages);
        everything = false;
        wholeNodes = new HashSet<>();
        pages = new HashMap<>();
        return heard;
    }

    private synchronized void heard(String message) {
        try {
            JsonObject announcement = Json.createReader(new StringReader(message)).readObject();
            String node = announcement.getString("node");
            if (node.equals(ownId)) {
                return;
            }
            if (announcement.getBoolean("whole", false)) {
                wholeNodes.add(node);
                pages.remove(node);
                return;
            }
            Map<String, Presence> changed = pages.computeIfAbsent(node, n -> new HashMap<>());
            announcement.getJsonObject("pages").forEach((page, value) -> changed.put(page,
                    value.getValueType() == JsonValue.ValueType.NULL ? Presence.NOBODY
                            : Presence.decode(((JsonString) value).getString())));
        } catch (RuntimeException e) {
            // Not one of ours (another program on the channel, or an older Headcount): read everything to be sure.
            LOG.log(System.Logger.Level.DEBUG, "Unreadable announcement ({0}); re-reading every node", e.getMessage());
            everything = true;
        }
    }

    private synchronized void missedSome() {
        everything = true;
    }

    private void listen() {
        long backoffMs = FIRST_BACKOFF_MS;
        while (!closed.get()) {
            try {
                redis.subscribe(subscription, channel);
                backoffMs = FIRST_BACKOFF_MS;
            } catch (Exception e) {
                if (closed.get()) {
                    return;
                }
                try {
                    Thread.sleep(backoffMs); // back-off before reconnecting, not synchronization
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private final class Subscription extends JedisPubSub {
        @Override
        public void onMessage(String from, String message) {
            heard(message);
        }

        @Override
        public void onSubscribe(String to, int subscribedChannels) {
            missedSome();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (subscription.isSubscribed()) {
                subscription.unsubscribe();
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "Unsubscribing failed: {0}", e.getMessage());
        }
        thread.interrupt();
    }
}
