package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.headcount.count.HitCounter;
import org.headcount.testing.Receiver;
import org.headcount.testing.Receiver.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlusherTest {

    private final Jsonb jsonb = JsonbBuilder.create();
    private final HitCounter counter = new HitCounter(1000, 512);
    private Receiver receiver;
    private Spool spool;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        spool = new Spool(dir.resolve("spool.json"), jsonb);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        jsonb.close();
    }

    private Flusher flusher(URI endpoint, boolean discard, int maxPending, long timeoutMs) {
        FlushClient client = endpoint == null ? null : new FlushClient(endpoint, "s3cret", Duration.ofMillis(timeoutMs));
        return new Flusher(counter::drain, client, discard, maxPending, spool, jsonb);
    }

    private Flusher flusher() {
        return flusher(receiver.uri("/hits"), false, 100, 5_000);
    }

    private void hits(String key, int n) {
        for (int i = 0; i < n; i++) {
            assertNull(counter.hit(key), "hit for " + key);
        }
    }

    @Test
    void deliversOneBatchInPixelPingFormat() throws Exception {
        Flusher flusher = flusher();
        hits("k", 2);
        FlushResult result = flusher.flush();
        Request request = receiver.take(Receiver.PROMPTLY);
        assertEquals("json=%7B%22k%22%3A2%7D&secret=s3cret", request.body(), "exact body");
        assertEquals("delivered", result.outcome(), "outcome");
        assertEquals(2, result.hitsDelivered(), "hits delivered");
        assertEquals(0, result.batchesPending(), "nothing left");
    }

    @Test
    void emptyCounterSendsNothing() throws Exception {
        assertEquals("empty", flusher().flush().outcome(), "outcome of an empty flush");
        assertNull(receiver.poll(Duration.ZERO), "no request for an empty flush");
    }

    @Test
    void failedBatchIsResentFirstWithTheSameIdThenNewerHits() throws Exception {
        Flusher flusher = flusher();
        receiver.enqueue(500);
        hits("old", 3);
        FlushResult failed = flusher.flush();
        assertEquals("failed", failed.outcome(), "500 is a failure");
        assertEquals("HTTP 500", failed.error(), "error says why");
        assertEquals(1, failed.batchesPending(), "the batch is kept");
        String firstId = receiver.take(Receiver.PROMPTLY).batchId();

        hits("new", 1);
        assertEquals("delivered", flusher.flush().outcome(), "second flush");
        Request resent = receiver.take(Receiver.PROMPTLY);
        Request newer = receiver.take(Receiver.PROMPTLY);
        assertEquals(firstId, resent.batchId(), "the failed batch goes again under its own id");
        assertEquals(Map.of("old", 3L), resent.hits(), "the failed batch's hits");
        assertEquals(Map.of("new", 1L), newer.hits(), "newer hits come after, in a batch of their own");
        assertNotEquals(firstId, newer.batchId(), "a new batch has a new id");
    }

    @Test
    void discardDropsAFailedBatch() throws Exception {
        Flusher flusher = flusher(receiver.uri("/hits"), true, 100, 5_000);
        receiver.enqueue(503);
        hits("k", 1);
        assertEquals("discarded", flusher.flush().outcome(), "outcome with discard=true");
        assertEquals(0, flusher.pendingBatches(), "nothing kept");
        receiver.take(Receiver.PROMPTLY);
        assertEquals("empty", flusher.flush().outcome(), "nothing re-sent");
    }

    @Test
    void beyondMaxPendingBatchesTheOldestAreMergedAndEveryHitKept() throws Exception {
        Flusher flusher = flusher(receiver.uri("/hits"), false, 2, 5_000);
        for (int round = 0; round < 4; round++) {
            receiver.enqueue(500);
            hits("k" + round, round + 1);
            assertEquals("failed", flusher.flush().outcome(), "round " + round);
            receiver.take(Receiver.PROMPTLY);
            assertTrue(flusher.pendingBatches() <= 2, "pending stays within maxPendingBatches: " + flusher.pendingBatches());
        }
        assertEquals("delivered", flusher.flush().outcome(), "recovery");
        Map<String, Long> delivered = new java.util.TreeMap<>();
        for (int i = 0; i < 2; i++) {
            receiver.take(Receiver.PROMPTLY).hits().forEach((k, n) -> delivered.merge(k, n, Long::sum));
        }
        assertEquals(Map.of("k0", 1L, "k1", 2L, "k2", 3L, "k3", 4L), delivered, "every hit delivered once");
    }

    @Test
    void hangingEndpointTimesOut() throws Exception {
        Flusher flusher = flusher(receiver.uri("/hits"), false, 100, 300);
        receiver.enqueueHang();
        hits("k", 1);
        FlushResult result = flusher.flush();
        assertEquals("failed", result.outcome(), "a hang is a failure");
        assertEquals("timed out after 300ms", result.error(), "error says it timed out");
        assertTrue(result.durationMs() < 5_000, "bounded by the flush timeout: " + result.durationMs() + "ms");
        assertEquals(1, flusher.pendingBatches(), "the batch is kept");
    }

    @Test
    void refusedConnectionIsAFailureAndTheBatchIsKept() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Flusher flusher = flusher(URI.create("http://127.0.0.1:" + closedPort + "/hits"), false, 100, 2_000);
        hits("k", 1);
        FlushResult result = flusher.flush();
        assertEquals("failed", result.outcome(), "connection refused is a failure");
        assertEquals(1, result.batchesPending(), "the batch is kept");
    }

    @Test
    void withoutEndpointHitsAreLoggedAsPixelPingRecordsAndDropped() throws Exception {
        List<String> lines = new ArrayList<>();
        Logger record = Logger.getLogger("org.headcount.hits");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        record.addHandler(handler);
        try {
            Flusher flusher = flusher(null, false, 100, 1_000);
            hits("/pages/about.html", 276);
            assertEquals("logged", flusher.flush().outcome(), "outcome without endpoint");
            assertEquals(List.of("276:\t/pages/about.html"), lines, "Pixel Ping's record line");
            assertEquals("empty", flusher.flush().outcome(), "the store was reset");
        } finally {
            record.removeHandler(handler);
        }
    }

    @Test
    void undeliveredBatchesAreSpooledAndResentWithTheirIdsByTheNextFlusher() throws Exception {
        Flusher first = flusher();
        receiver.enqueue(500);
        hits("k", 5);
        first.flushAndSpool();
        String id = receiver.take(Receiver.PROMPTLY).batchId();
        assertTrue(Files.exists(spool.file()), "spool written");

        Flusher next = flusher();
        assertEquals(1, next.pendingBatches(), "spooled batch loaded");
        assertEquals("delivered", next.flush().outcome(), "re-sent");
        Request resent = receiver.take(Receiver.PROMPTLY);
        assertEquals(id, resent.batchId(), "same batch id after the restart");
        assertEquals(Map.of("k", 5L), resent.hits(), "same hits");
        assertFalse(Files.exists(spool.file()), "spool removed once delivered");
    }

    @Test
    void unreadableSpoolIsSetAsideNotDeleted() throws Exception {
        Files.writeString(spool.file(), "{not json");
        assertEquals(0, flusher().pendingBatches(), "nothing loaded");
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("spool.json.unreadable-")),
                    "the bad spool is kept aside for a person to look at");
        }
    }
}
