package org.headcount.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LoopbackClient;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.Test;

/** The flush endpoint misbehaving in every way the issue lists; every hit must arrive exactly once by batch id. */
class EndpointFaultsIT {

    /** What a receiver deduping by Idempotency-Key stores: each batch id once. */
    private static Map<String, Long> dedupe(List<Receiver.Request> requests) {
        Map<String, Map<String, Long>> byId = new HashMap<>();
        requests.forEach(r -> byId.putIfAbsent(r.batchId(), r.hits()));
        Map<String, Long> sum = new HashMap<>();
        byId.values().forEach(batch -> batch.forEach((k, n) -> sum.merge(k, n, Long::sum)));
        return sum;
    }

    private static List<Receiver.Request> drain(Receiver receiver) throws InterruptedException {
        List<Receiver.Request> all = new ArrayList<>();
        Receiver.Request r;
        while ((r = receiver.poll(Duration.ZERO)) != null) {
            all.add(r);
        }
        return all;
    }

    private static void hit(EmbeddedHeadcount server, String key) throws Exception {
        assertEquals(200, Http.get(server.uri("/pixel.gif?key=" + key)).statusCode(), "pixel");
    }

    @Test
    void endpointRefusingConnectionsThenRecoveringGetsEveryHitExactlyOnce() throws Exception {
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        Socket reserved = new Socket();
        reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = reserved.getLocalPort();
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", "http://127.0.0.1:" + port + "/hits",
                "interval", "1h", "flushTimeout", "2s"))) {
            try (reserved) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i <= round; i++) {
                        hit(server, "round" + round);
                    }
                    assertTrue(Http.adminFlush(server).body().contains("\"outcome\":\"failed\""), "refused, round " + round);
                }
            }
            try (Receiver receiver = new Receiver(port)) {
                assertTrue(Http.adminFlush(server).body().contains("\"batchesDelivered\":3"), "the three kept batches go");
                List<Receiver.Request> got = drain(receiver);
                assertEquals(3, got.size(), "three requests, oldest first");
                assertEquals(Map.of("round0", 1L, "round1", 2L, "round2", 3L), dedupe(got), "every hit once");
            }
        }
    }

    @Test
    void endpointHangingFor30sTimesOutWithoutOverlappingFlushesOrSlowPixels() throws Exception {
        try (Receiver receiver = new Receiver();
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1h", "flushTimeout", "1s"))) {
            receiver.enqueueHang().enqueueHang().enqueueHang(); // each hangs until the receiver closes, past 30 s
            hit(server, "h");
            ExecutorService callers = Executors.newFixedThreadPool(3);
            List<Future<HttpResponse<String>>> flushes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                flushes.add(callers.submit(() -> Http.adminFlush(server)));
            }
            List<Long> pixelMs = new ArrayList<>();
            while (flushes.stream().anyMatch(f -> !f.isDone()) && pixelMs.size() < 2_000) {
                long start = System.nanoTime();
                hit(server, "during");
                pixelMs.add((System.nanoTime() - start) / 1_000_000);
            }
            List<long[]> spans = new ArrayList<>();
            for (Future<HttpResponse<String>> flush : flushes) {
                @SuppressWarnings("unchecked")
                Map<String, Object> result = JsonbBuilder.create().fromJson(flush.get(30, TimeUnit.SECONDS).body(), Map.class);
                assertEquals("failed", result.get("outcome"), "a hang is a failed flush: " + result);
                long end = ((BigDecimal) result.get("atEpochMs")).longValue();
                spans.add(new long[] {end - ((BigDecimal) result.get("durationMs")).longValue(), end});
            }
            callers.shutdown();
            spans.sort((x, y) -> Long.compare(x[0], y[0]));
            for (int i = 1; i < spans.size(); i++) {
                assertTrue(spans.get(i)[0] >= spans.get(i - 1)[1], "flush " + i + " began after the one before ended");
            }
            Collections.sort(pixelMs);
            long p99 = pixelMs.get((int) Math.ceil(pixelMs.size() * 0.99) - 1);
            assertTrue(p99 < 500, "pixels answer at once meanwhile: p99 " + p99 + "ms over " + pixelMs.size());
        }
    }

    @Test
    void slowEndpointWhileHitsKeepArrivingLosesNothing() throws Exception {
        int threads = 4;
        int perThread = 300;
        Receiver receiver = new Receiver().answerSlowly(300);
        try (receiver; EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint",
                receiver.uri("/hits").toString(), "interval", "100ms", "flushTimeout", "5s"))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        hit(server, "k" + (i % 7) + "-" + thread);
                    }
                    return null;
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            server.close(); // the final flush takes what is left
            long delivered = dedupe(drain(receiver)).values().stream().mapToLong(Long::longValue).sum();
            assertEquals((long) threads * perThread, delivered, "every hit sent while the endpoint was slow arrived once");
        }
    }

    @Test
    void stalledResponseBodyIsAFailedPostAndTheNextHealthyOneDelivers() throws Exception {
        try (Receiver receiver = new Receiver().enqueueStalledBody();
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1s", "flushTimeout", "2s"))) {
            hit(server, "k");
            Receiver.Request stalled = receiver.take(Receiver.PROMPTLY); // headers sent, then a body that never comes
            Receiver.Request next = receiver.take(Duration.ofSeconds(20));
            assertEquals(stalled.batchId(), next.batchId(), "the stalled POST failed, and its batch went again under its id");
            assertEquals(Map.of("k", 1L), Receiver.storedHits(List.of(stalled, next)), "stored once by id");
            Eventually.await("health UP with a delivered flush", Receiver.PROMPTLY, () -> {
                String health = Http.send(Http.request(server.uri("/health")).GET().build()).body();
                return health.contains("\"status\":\"UP\"") && health.contains("\"outcome\":\"delivered\"");
            });
        }
    }

    @Test
    void receiverStoringThenAnsweringTooLateWithOneBatchInMemoryCountsEveryHitOnce() throws Exception {
        try (Receiver receiver = new Receiver().answerSlowly(2_000);
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1h", "flushTimeout", "1s", "maxPendingBatches", "1"))) {
            Map<String, Long> sent = new HashMap<>();
            for (int round = 0; round < 5; round++) { // five intervals, each forced
                for (int i = 0; i <= round; i++) {
                    hit(server, "late" + round);
                }
                sent.put("late" + round, round + 1L);
                assertTrue(Http.adminFlush(server).body().contains("\"outcome\":\"failed\""), "too late, round " + round);
            }
            receiver.answerSlowly(0);
            assertTrue(Http.adminFlush(server).body().contains("\"outcome\":\"delivered\""), "the receiver answers in time");
            List<Receiver.Request> all = receiver.drain();
            assertEquals(sent, Receiver.storedHits(all), "each hit stored exactly once by id, over " + all.size() + " requests");
        }
    }

    @Test
    void receiverRefusingBodiesOver1MbGetsFiftyThousandLongKeysInParts() throws Exception {
        int keys = 50_000;
        try (Receiver receiver = new Receiver().refuseBodiesOver(1 << 20);
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1h"))) {
            // One pipelined connection: each request sent exactly once (a client that retries a GET could count it twice).
            List<String> pixels = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                pixels.add("/headcount/pixel.gif?key=" + String.format("%06d", i) + "x".repeat(94));
            }
            try (LoopbackClient client = LoopbackClient.connect("127.0.0.1", server.port())) {
                assertEquals(Collections.nCopies(keys, null), client.get(pixels), "every hit counted");
            }
            assertTrue(Http.adminFlush(server).body().contains("\"outcome\":\"delivered\""), "delivered");
            List<Receiver.Request> got = receiver.drain();
            assertTrue(got.stream().allMatch(Receiver.Request::stored), "no body refused as too large");
            assertTrue(got.size() >= 6, "over 5 MB of keys, in bodies under 1 MB: " + got.size());
            Map<String, Long> stored = Receiver.storedHits(got);
            assertEquals(keys, stored.size(), "every key");
            assertTrue(stored.values().stream().allMatch(n -> n == 1), "each hit once");
        }
    }
}
