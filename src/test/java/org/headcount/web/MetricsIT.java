package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.Receiver;
import org.headcount.testing.Scrape;
import org.headcount.testing.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /metrics} scraped and parsed after known traffic: pixel hits, flushes, live connections, refusals. */
class MetricsIT {

    private static final Duration SETTLES = Duration.ofSeconds(10);
    private static Receiver receiver;
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h",
                "maxPageLength", "64"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        receiver.close();
    }

    @Test
    void pixelHitsAndFlushesAreCounted() throws Exception {
        Scrape before = Scrape.of(server);
        for (int i = 0; i < 3; i++) {
            Http.get(server.uri("/pixel.gif?key=metrics-" + (i % 2)));
        }
        Http.get(server.uri("/pixel.gif"));
        Http.get(server.uri("/pixel.gif?key=" + "x".repeat(600)));
        Scrape counted = Scrape.of(server);
        assertEquals(3, delta(before, counted, "headcount_hits_total"), "three hits counted");
        assertEquals(1, delta(before, counted, "headcount_hits_ignored_total{reason=\"no-key\"}"), "one without a key");
        assertEquals(1, delta(before, counted, "headcount_hits_ignored_total{reason=\"key-too-long\"}"), "one key too long");
        assertEquals(0, counted.value("headcount_hits_ignored_total{reason=\"do-not-track\"}"),
                "every reason is exposed from the start, at 0");
        assertEquals(2, counted.value("headcount_keys_pending"), "two distinct keys wait for the flush");

        assertEquals(200, Http.adminFlush(server).statusCode(), "forced flush");
        receiver.take(Receiver.PROMPTLY);
        Scrape flushed = Scrape.of(server);
        assertEquals(0, flushed.value("headcount_keys_pending"), "nothing pending after the flush");
        assertEquals(1, delta(counted, flushed, "headcount_flushes_total{outcome=\"delivered\"}"), "one delivered flush");
        assertEquals(1, delta(counted, flushed, "headcount_flush_duration_seconds_count"), "its duration observed");
        assertTrue(flushed.value("headcount_flush_duration_seconds_sum") > 0, "a flush takes some time");
        assertEquals(0, flushed.value("headcount_batches_pending"), "no batch waiting");
    }

    @Test
    void aFailedFlushLeavesABatchPending() throws Exception {
        Scrape before = Scrape.of(server);
        receiver.enqueue(500);
        Http.get(server.uri("/pixel.gif?key=fails-once"));
        Http.adminFlush(server);
        receiver.take(Receiver.PROMPTLY);
        Scrape failed = Scrape.of(server);
        assertEquals(1, delta(before, failed, "headcount_flushes_total{outcome=\"failed\"}"), "one failed flush");
        assertEquals(1, failed.value("headcount_batches_pending"), "its batch waits for a retry");
        Http.adminFlush(server);
        receiver.take(Receiver.PROMPTLY);
        assertEquals(0, Scrape.of(server).value("headcount_batches_pending"), "delivered on the retry");
    }

    @Test
    void aBodyRefusedAsTooLargeIsCounted() throws Exception {
        Scrape before = Scrape.of(server);
        receiver.refuseBodiesOver(10);
        try {
            Http.get(server.uri("/pixel.gif?key=refused-as-too-large"));
            Http.adminFlush(server);
            receiver.take(Receiver.PROMPTLY);
        } finally {
            receiver.refuseBodiesOver(Long.MAX_VALUE);
        }
        assertEquals(1, delta(before, Scrape.of(server), "headcount_batches_too_large_total"), "the 413 counted");
        Http.adminFlush(server);
        receiver.take(Receiver.PROMPTLY);
        assertEquals(0, Scrape.of(server).value("headcount_batches_pending"), "delivered once the limit allows");
    }

    @Test
    void liveConnectionsArePerTransportAndRefusalsAreDrops() throws Exception {
        Scrape before = Scrape.of(server);
        // A page each: on one page the WebSocket's first frame could already count the event stream, or not.
        try (LiveClient ws = LiveClient.open(server, "page=/metrics-ws");
                SseClient sse = SseClient.open(server.uri("/live/events?page=/metrics-sse"))) {
            ws.awaitOnline(1, SETTLES);
            sse.next("data: ", SETTLES);
            Scrape open = Scrape.of(server);
            assertEquals(1, open.value("headcount_live_connections{transport=\"websocket\"}"), "one WebSocket");
            assertEquals(1, open.value("headcount_live_connections{transport=\"sse\"}"), "one event stream");
            assertEquals(0, open.value("headcount_live_connections{transport=\"png\"}"), "no PNG stream");
            assertTrue(open.value("headcount_live_pages") >= 2, "the pages are known");
        }
        try (LiveClient refused = LiveClient.open(server, "page=" + "p".repeat(65))) {
            refused.awaitClose(SETTLES);
        }
        Eventually.await("both connections closed in the metrics", SETTLES, () -> {
            Scrape after = Scrape.of(server);
            return after.value("headcount_live_connections{transport=\"websocket\"}") == 0
                    && after.value("headcount_live_connections{transport=\"sse\"}") == 0;
        });
        Scrape after = Scrape.of(server);
        assertEquals(1, delta(before, after, "headcount_live_dropped_total{reason=\"refused\"}"), "a page too long is refused");
        assertEquals(0, after.value("headcount_live_dropped_total{reason=\"too-slow\"}"), "nobody was too slow");
    }

    @Test
    void connectionsEndedAtMaxConnDurationAreExpiredDrops() throws Exception {
        try (EmbeddedHeadcount expiring = EmbeddedHeadcount.start(Map.of("maxConnDuration", "1s"));
                LiveClient client = LiveClient.open(expiring, "page=/short")) {
            assertEquals(1001, client.awaitClose(SETTLES).getCloseCode().getCode(), "closed at maxConnDuration");
            Eventually.await("the expiry counted", SETTLES,
                    () -> Scrape.of(expiring).value("headcount_live_dropped_total{reason=\"expired\"}") == 1);
        }
    }

    @Test
    void jvmMetricsComeFromTheSameClient() throws Exception {
        Scrape scrape = Scrape.of(server);
        for (String series : new String[] {"jvm_threads_current", "jvm_memory_used_bytes{area=\"heap\"}",
                "process_cpu_seconds_total"}) {
            assertTrue(scrape.has(series), "JVM series " + series + " in:\n" + scrape);
        }
    }

    private static double delta(Scrape before, Scrape after, String series) {
        return after.value(series) - before.value(series);
    }
}
