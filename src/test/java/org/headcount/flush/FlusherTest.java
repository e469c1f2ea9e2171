package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.headcount.count.HitCounter;
import org.headcount.testing.Receiver;
import org.headcount.testing.Receiver.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlusherTest {

    private final HitCounter counter = new HitCounter(100_000, 512);
    private final List<Flusher> flushers = new ArrayList<>();
    private Receiver receiver;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() throws Exception {
        flushers.forEach(Flusher::close);
        receiver.close();
    }

    private Flusher flusher(URI endpoint, boolean discard, int maxInMemory, long timeoutMs) throws IOException {
        FlushClient client = endpoint == null ? null : new FlushClient(endpoint, "s3cret", Duration.ofMillis(timeoutMs));
        Flusher flusher = new Flusher(counter::drain, client, Outbox.open(dir, maxInMemory, 1 << 20), discard, 1_000_000);
        flushers.add(flusher);
        return flusher;
    }

    private Flusher flusher() throws IOException {
        return flusher(receiver.uri("/hits"), false, 100, 5_000);
    }

    /** Closes a flusher as a shutdown does, leaving its outbox on disk for the next one. */
    private void close(Flusher flusher) {
        flushers.remove(flusher);
        flusher.close();
    }

    private List<Path> batchFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
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
    void beyondTheMemoryBudgetBatchesWaitOnDiskAndKeepTheirIds() throws Exception {
        Flusher flusher = flusher(receiver.uri("/hits"), false, 2, 5_000);
        List<String> tried = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            receiver.enqueue(500);
            hits("k" + round, round + 1);
            assertEquals("failed", flusher.flush().outcome(), "round " + round);
            tried.add(receiver.take(Receiver.PROMPTLY).batchId());
        }
        assertEquals(1, tried.stream().distinct().count(), "each round tries the oldest batch first, under its id: " + tried);
        assertEquals(4, flusher.pendingBatches(), "no batch merged or dropped");
        assertEquals(4, batchFiles().size(), "each batch has its own file");
        assertEquals("delivered", flusher.flush().outcome(), "recovery");
        List<Request> delivered = receiver.drain();
        assertEquals(4, delivered.size(), "four batches, oldest first: " + delivered);
        assertEquals(tried.get(0), delivered.get(0).batchId(), "the oldest batch goes first and keeps its id");
        Map<String, Long> all = new TreeMap<>();
        delivered.forEach(r -> r.hits().forEach((k, n) -> all.merge(k, n, Long::sum)));
        assertEquals(Map.of("k0", 1L, "k1", 2L, "k2", 3L, "k3", 4L), all, "every hit delivered once");
        assertEquals(List.of(), batchFiles(), "delivered batches leave the disk");
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
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Flusher flusher = flusher(URI.create("http://127.0.0.1:" + reserved.getLocalPort() + "/hits"), false, 100, 2_000);
            hits("k", 1);
            FlushResult result = flusher.flush();
            assertEquals("failed", result.outcome(), "connection refused is a failure");
            assertEquals(1, result.batchesPending(), "the batch is kept");
        }
    }

    /** Runs {@code flush} with the hits record at {@code level}, answering the lines it wrote. */
    private static List<String> recordLines(Level level, ThrowingRunnable flush) throws Exception {
        List<String> lines = new ArrayList<>();
        Logger record = Logger.getLogger("org.headcount.hits");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (record.isLoggable(r.getLevel())) {
                    lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = record.getLevel();
        record.setLevel(level);
        record.addHandler(handler);
        try {
            flush.run();
        } finally {
            record.removeHandler(handler);
            record.setLevel(before);
        }
        return lines;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withoutEndpointHitsAreLoggedAsPixelPingRecordsAndDropped() throws Exception {
        Flusher flusher = flusher(null, false, 100, 1_000);
        hits("/pages/about.html", 276);
        List<String> lines = recordLines(Level.FINE, () ->
                assertEquals("logged", flusher.flush().outcome(), "outcome without endpoint"));
        assertEquals(List.of("Took 276 hits on 1 keys", "276:\t/pages/about.html"), lines, "summary, then Pixel Ping's record line");
        assertEquals("empty", flusher.flush().outcome(), "the store was reset");
        assertEquals(List.of(), batchFiles(), "nothing spooled without an endpoint");
    }

    @Test
    void byDefaultTheRecordIsOneLinePerFlushNotOnePerKey() throws Exception {
        Flusher flusher = flusher(null, false, 100, 1_000);
        hits("a", 1);
        hits("b", 2);
        List<String> lines = recordLines(Level.INFO, flusher::flush);
        assertEquals(List.of("Took 3 hits on 2 keys"), lines, "per-key lines need the logger at FINE");
    }

    @Test
    void aKeyWithLineBreaksIsOneEscapedRecordLine() throws Exception {
        Flusher flusher = flusher(null, false, 100, 1_000);
        hits("/a\r\n2:\t/forged", 1);
        List<String> lines = recordLines(Level.FINE, flusher::flush);
        assertEquals(List.of("Took 1 hits on 1 keys", "1:\t/a\\r\\n2:\\t/forged"), lines,
                "the key's CR, LF and tab are escaped: one record line, no forged one");
    }

    @Test
    void everyBatchIsOnDiskPrivatelyBeforeItIsSent() throws Exception {
        Flusher flusher = flusher();
        receiver.enqueue(500);
        hits("k", 5);
        flusher.flush();
        Request refused = receiver.take(Receiver.PROMPTLY);
        List<Path> files = batchFiles();
        assertEquals(1, files.size(), "one batch file");
        assertTrue(files.get(0).getFileName().toString().endsWith("-" + refused.batchId() + ".json"), "named by its id: " + files);
        assertEquals("{\"k\":5}", Files.readString(files.get(0)), "the file holds the batch's JSON");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))),
                "only the server's user may read it");
    }

    @Test
    void undeliveredBatchesAreResentWithTheirIdsByTheNextFlusher() throws Exception {
        Flusher first = flusher();
        receiver.enqueue(500);
        hits("k", 5);
        first.flush();
        String id = receiver.take(Receiver.PROMPTLY).batchId();
        close(first);

        Flusher next = flusher();
        assertEquals(1, next.pendingBatches(), "the batch on disk is taken up");
        assertEquals("delivered", next.flush().outcome(), "re-sent");
        Request resent = receiver.take(Receiver.PROMPTLY);
        assertEquals(id, resent.batchId(), "same batch id after the restart");
        assertEquals(Map.of("k", 5L), resent.hits(), "same hits");
        assertEquals(List.of(), batchFiles(), "the file is gone once delivered");
    }

    @Test
    void anUnreadableBatchFileIsSetAsideAndTheRestIsSent() throws Exception {
        Flusher first = flusher();
        receiver.enqueue(500);
        hits("good", 2);
        first.flush();
        receiver.take(Receiver.PROMPTLY);
        close(first);
        Path bad = dir.resolve("0000000000000000-00000000-0000-0000-0000-000000000000.json");
        Files.writeString(bad, "{not json");

        Flusher next = flusher();
        assertEquals(1, next.pendingBatches(), "only the readable batch is taken up");
        assertTrue(Files.exists(dir.resolve(bad.getFileName() + ".unreadable")), "the bad file is kept aside for a person");
        next.flush();
        assertEquals(Map.of("good", 2L), receiver.take(Receiver.PROMPTLY).hits(), "the readable batch is delivered");
    }

    @Test
    void aSecondOutboxOnTheSameDirectoryIsRefusedWithTheReason() throws Exception {
        flusher();
        IOException refused = assertThrows(IOException.class, () -> Outbox.open(dir, 10, 1 << 20, 200));
        assertTrue(refused.getMessage().contains("in use by another Headcount (process " + ProcessHandle.current().pid()),
                "the message names the holder: " + refused.getMessage());
    }

    @Test
    void aBatchOverTheBodyLimitIsSplitEachPartWithItsOwnId() throws Exception {
        FlushClient client = new FlushClient(receiver.uri("/hits"), "s3cret", Duration.ofSeconds(5));
        Flusher flusher = new Flusher(counter::drain, client, Outbox.open(dir, 100, 1 << 20), false, 20_000);
        flushers.add(flusher);
        for (int i = 0; i < 2_000; i++) {
            hits("/page/" + i, 1 + i % 3);
        }
        assertEquals("delivered", flusher.flush().outcome(), "delivered");
        List<Request> got = receiver.drain();
        assertTrue(got.size() > 1, "split into several bodies: " + got.size());
        Map<String, Long> all = new TreeMap<>();
        for (Request r : got) {
            assertTrue(r.body().length() <= 20_000, "each body within the limit: " + r.body().length());
            r.hits().forEach((k, n) -> assertNull(all.put(k, n), "a key in one part only: " + k));
        }
        assertEquals(got.size(), got.stream().map(Request::batchId).distinct().count(), "each part its own id");
        assertEquals(2_000, all.size(), "every key delivered");
    }

    @Test
    void aBodyRefusedAsTooLargeIsCountedAndKept() throws Exception {
        receiver.refuseBodiesOver(10);
        Flusher flusher = flusher();
        hits("k", 1);
        FlushResult result = flusher.flush();
        assertEquals("HTTP 413", result.error(), "the refusal is the error");
        assertEquals(1, flusher.tooLarge(), "counted for the metric");
        assertEquals(1, flusher.pendingBatches(), "kept: the receiver did not store it");
    }
}
