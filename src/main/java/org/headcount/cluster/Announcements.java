package org.headcount.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import org.headcount.DaemonThreads;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

/**
 * Listens on the cluster's channel, on a connection and thread of its own (a subscription blocks), and
 * raises a flag when another node announces a change; reconnects with back-off while Redis is away.
 */
final class Announcements implements AutoCloseable {

    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final RedisClient redis;
    private final String channel;
    private final String ownId;
    private final AtomicBoolean heard = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Subscription subscription = new Subscription();
    private final Thread thread;

    Announcements(RedisClient redis, String channel, String ownId) {
        this.redis = redis;
        this.channel = channel;
        this.ownId = ownId;
        this.thread = DaemonThreads.named("headcount-redis-listen").newThread(this::listen);
        thread.start();
    }

    /** Whether another node announced something (or we may have missed it) since the last call. */
    boolean takeHeard() {
        return heard.getAndSet(false);
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
        public void onMessage(String from, String nodeId) {
            if (!nodeId.equals(ownId)) {
                heard.set(true);
            }
        }

        @Override
        public void onSubscribe(String to, int subscribedChannels) {
            heard.set(true); // announcements may have been missed while away
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
            System.getLogger(Announcements.class.getName()).log(System.Logger.Level.DEBUG,
                    "Unsubscribing failed: {0}", e.getMessage());
        }
        thread.interrupt();
    }
}
