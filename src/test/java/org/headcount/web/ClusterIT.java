package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.NodeProcess;
import org.headcount.testing.Receiver;
import org.headcount.testing.RedisServer;
import org.headcount.testing.Stats;
import org.headcount.testing.Needs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Two or three nodes sharing a real redis-server: sums, a node killed without a goodbye, Redis restarted. */
@Needs("/usr/bin/redis-server")
class ClusterIT {

    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SLACK = Duration.ofSeconds(3);
    private RedisServer redis;
    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        redis = new RedisServer();
        receiver = new Receiver();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        redis.close();
    }

    private Map<String, String> config(String endpointPath) {
        return new HashMap<>(Map.of("redisUrl", redis.url(), "nodeTimeout", NODE_TIMEOUT.toSeconds() + "s",
                "notifyMinDelay", "100ms", "notifyDeltaRatio", "0", "endpoint", receiver.uri(endpointPath).toString(),
                "interval", "1h"));
    }

    @Test
    void membersOnTwoNodesSeeTheSumAndAKilledNodesViewersVanish() throws Exception {
        try (EmbeddedHeadcount a = EmbeddedHeadcount.start(config("/a"));
             NodeProcess b = NodeProcess.start(config("/b"));
             LiveClient onA = LiveClient.open(a, "page=/shared")) {
            assertEquals(BigDecimal.ONE, onA.next(SLACK).get("online"), "alone at first");
            LiveClient onB = LiveClient.open(b, "page=/shared");
            Duration seen = onA.awaitOnline(2, NODE_TIMEOUT.plus(SLACK));
            System.out.printf("cross-node join seen after %d ms (notifyMinDelay 100 ms)%n", seen.toMillis());
            onB.awaitOnline(2, NODE_TIMEOUT.plus(SLACK));
            assertEquals(2, Stats.members(a.uri("/stats"), "/shared"), "/stats is cluster-wide");
            assertEquals(1, Stats.members(a.uri("/stats?node=local"), "/shared"), "/stats?node=local is this node's");

            hits(a.uri("/pixel.gif?key=k"), 2);
            hits(b.uri("/pixel.gif?key=k"), 3);
            Http.adminFlush(a);
            adminFlush(b.uri("/admin/flush"));
            Map<String, Map<String, Long>> batches = new TreeMap<>();
            for (int i = 0; i < 2; i++) {
                Receiver.Request request = receiver.take(SLACK);
                batches.put(request.uri().getPath() + " " + request.batchId(), request.hits());
            }
            assertEquals(2, batches.size(), "one batch per node, each with its own id: " + batches.keySet());
            assertEquals(Map.of("k", 2L), batches.entrySet().stream().filter(e -> e.getKey().startsWith("/a "))
                    .findFirst().orElseThrow().getValue(), "node A's own hits");
            assertEquals(Map.of("k", 3L), batches.entrySet().stream().filter(e -> e.getKey().startsWith("/b "))
                    .findFirst().orElseThrow().getValue(), "node B's own hits");

            long killed = System.nanoTime();
            b.kill();
            onB.close();
            onA.awaitOnline(1, NODE_TIMEOUT.plus(SLACK));
            long vanishedMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("killed node's viewers vanished after %d ms (nodeTimeout %d ms)%n", vanishedMs,
                    NODE_TIMEOUT.toMillis());
            assertEquals(1, Stats.members(a.uri("/stats"), "/shared"), "only A's member is left");
        }
    }

    @Test
    void cleanShutdownRemovesANodesCountsAtOnce() throws Exception {
        try (EmbeddedHeadcount a = EmbeddedHeadcount.start(config("/a"));
             LiveClient onA = LiveClient.open(a, "page=/bye")) {
            onA.next(SLACK);
            EmbeddedHeadcount b = EmbeddedHeadcount.start(config("/b"));
            LiveClient onB = LiveClient.open(b, "page=/bye");
            onA.awaitOnline(2, NODE_TIMEOUT.plus(SLACK));
            long stopped = System.nanoTime();
            b.close();
            onA.awaitOnline(1, SLACK);
            long goneMs = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(goneMs < NODE_TIMEOUT.toMillis(), "the goodbye beats the node timeout: " + goneMs + "ms");
            onB.close();
        }
    }

    @Test
    void nodesServeLocalCountsWhileRedisIsDownAndRecoverWhenItIsBack() throws Exception {
        try (EmbeddedHeadcount a = EmbeddedHeadcount.start(config("/a"));
             EmbeddedHeadcount c = EmbeddedHeadcount.start(config("/c"));
             LiveClient onA = LiveClient.open(a, "page=/weather");
             LiveClient onC = LiveClient.open(c, "page=/weather")) {
            onA.awaitOnline(2, NODE_TIMEOUT.plus(SLACK));
            redis.stop();
            onA.awaitOnline(1, NODE_TIMEOUT.plus(SLACK));
            hits(a.uri("/pixel.gif?key=offline"), 1);
            assertEquals(200, Http.adminFlush(a).statusCode(), "flushes go on without Redis");
            assertEquals(Map.of("offline", 1L), receiver.take(SLACK).hits(), "pixels are unaffected");

            redis.start();
            // Reconnects back off up to 30 s after a long outage; this one is short.
            onA.awaitOnline(2, Duration.ofSeconds(30));
            onC.awaitOnline(2, Duration.ofSeconds(30));
            Eventually.await("A's /stats shows both again", SLACK, () -> Stats.members(a.uri("/stats"), "/weather") == 2);
        }
    }

    @Test
    void theSameVisitorThroughTwoNodesCountsOnce() throws Exception {
        String visitor = "vid=0123456789abcdef0123456789abcdef";
        try (EmbeddedHeadcount a = EmbeddedHeadcount.start(config("/a"));
             EmbeddedHeadcount b = EmbeddedHeadcount.start(config("/b"));
             LiveClient tabOnA = LiveClient.open(a, "page=/two-tabs&" + visitor)) {
            tabOnA.awaitOnline(1, SLACK);
            LiveClient tabOnB = LiveClient.open(b, "page=/two-tabs&" + visitor);
            // Announced after the second tab, so once A counts it, A has heard of the tab too.
            LiveClient someoneElse = LiveClient.open(b, "page=/two-tabs");
            tabOnA.awaitOnline(2, NODE_TIMEOUT.plus(SLACK));
            assertEquals(2, Stats.members(a.uri("/stats"), "/two-tabs"), "the visitor once, plus someone else");
            Eventually.await("B counts the same", SLACK, () -> Stats.members(b.uri("/stats"), "/two-tabs") == 2);

            tabOnA.close();
            assertEquals(2, Stats.members(a.uri("/stats"), "/two-tabs"), "the visitor is still there, on B");
            tabOnB.close();
            Eventually.await("A counts only the other one once the visitor's last tab closed", NODE_TIMEOUT.plus(SLACK),
                    () -> Stats.members(a.uri("/stats"), "/two-tabs") == 1);
            someoneElse.close();
        }
    }

    @Test
    void aNodeWhoseHashWasDeletedWritesItWholeAgainWithinTheNodeTimeout() throws Exception {
        try (EmbeddedHeadcount a = EmbeddedHeadcount.start(config("/a"));
             EmbeddedHeadcount b = EmbeddedHeadcount.start(config("/b"));
             LiveClient steady = LiveClient.open(b, "page=/steady");
             LiveClient alsoSteady = LiveClient.open(b, "page=/also-steady");
             Jedis jedis = new Jedis(URI.create(redis.url()))) {
            Eventually.await("A counts B's steady pages", NODE_TIMEOUT.plus(SLACK),
                    () -> Stats.members(a.uri("/stats"), "/steady") == 1 && Stats.members(a.uri("/stats"), "/also-steady") == 1);
            Set<String> hashes = jedis.keys("headcount:node:*");
            assertEquals(1, hashes.size(), "B's hash: " + hashes);
            jedis.del(hashes.toArray(String[]::new)); // a lease lapsed in a GC pause, an eviction, FLUSHALL
            long deleted = System.nanoTime();
            // B keeps changing one page: before, only that page was written again and the steady ones stayed gone.
            Eventually.await("A counts B's steady pages again", NODE_TIMEOUT, () -> {
                try (LiveClient churn = LiveClient.open(b, "page=/changing")) {
                    churn.next(SLACK);
                }
                return jedis.exists(hashes.iterator().next()) && Stats.members(a.uri("/stats"), "/steady") == 1
                        && Stats.members(a.uri("/stats"), "/also-steady") == 1
                        && jedis.hexists(hashes.iterator().next(), "/steady");
            });
            System.out.printf("deleted hash written whole again and read by the other node after %d ms%n",
                    (System.nanoTime() - deleted) / 1_000_000);
        }
    }

    private static void hits(URI pixel, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertEquals(200, Http.get(pixel).statusCode(), "pixel");
        }
    }

    private static void adminFlush(URI flush) throws Exception {
        Http.send(Http.request(flush, "Authorization", Http.basic(EmbeddedHeadcount.ADMIN, EmbeddedHeadcount.ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
}
