package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.headcount.testing.Receiver.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flushes from the deployed WAR to a real recording receiver, as a Pixel Ping application would get them. */
class FlushIT {

    private Receiver receiver;
    private final List<EmbeddedHeadcount> servers = new ArrayList<>();

    @TempDir
    Path spoolDir;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (EmbeddedHeadcount server : servers) {
            server.close();
        }
        receiver.close();
    }

    private EmbeddedHeadcount start(String endpointPath, String... params) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("endpoint", receiver.uri(endpointPath).toString(),
                "interval", "1h", "spoolDir", spoolDir.toString()));
        for (int i = 0; i < params.length; i += 2) {
            config.put(params[i], params[i + 1]);
        }
        EmbeddedHeadcount server = EmbeddedHeadcount.start(config);
        assertTrue(server.deployed(), "the WAR deployed");
        servers.add(server);
        return server;
    }

    private static void hit(EmbeddedHeadcount server, String key, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            HttpResponse<byte[]> response = Http.get(server.uri("/pixel.gif?key=" + key));
            assertEquals(200, response.statusCode(), "pixel status");
        }
    }

    @Test
    void flushSendsPixelPingWireFormat() throws Exception {
        EmbeddedHeadcount server = start("/internal/save_hits");
        hit(server, "%2Fpages%2Fabout.html", 3);
        hit(server, "__proto__", 1);
        assertEquals(200, Http.adminFlush(server).statusCode(), "admin flush");

        Request request = receiver.take(Receiver.PROMPTLY);
        assertEquals("POST", request.method(), "method");
        assertEquals("/internal/save_hits", request.uri().toString(), "path");
        assertEquals("application/x-www-form-urlencoded", request.header("Content-Type"), "content type");
        assertEquals(List.of("json"), new ArrayList<>(request.form().keySet()), "only json= without a secret");
        assertTrue(request.body().startsWith("json=%7B%22"), "body is json= then the escaped object: " + request.body());
        assertEquals(Map.of("/pages/about.html", 3L, "__proto__", 1L), request.hits(), "decoded JSON");
        assertNotNull(request.batchId(), "Idempotency-Key");
        assertEquals(null, request.header("X-Headcount-Signature"), "no signature without a secret");
    }

    @Test
    void secretIsSentAndBodyIsSigned() throws Exception {
        EmbeddedHeadcount server = start("/hits", "secret", "sh&h=é");
        hit(server, "k", 1);
        Http.adminFlush(server);

        Request request = receiver.take(Receiver.PROMPTLY);
        assertEquals(List.of("json", "secret"), new ArrayList<>(request.form().keySet()), "json= then secret=");
        assertEquals("sh&h=é", request.form().get("secret"), "secret decodes to itself");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("sh&h=é".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + java.util.HexFormat.of().formatHex(
                mac.doFinal(request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(expected, request.header("X-Headcount-Signature"), "HMAC-SHA256 of the body keyed by the secret");
    }

    @Test
    void endpointQueryStringIsKept() throws Exception {
        EmbeddedHeadcount server = start("/save?token=abc&site=news");
        hit(server, "k", 1);
        Http.adminFlush(server);
        assertEquals("/save?token=abc&site=news", receiver.take(Receiver.PROMPTLY).uri().toString(), "path and query");
    }

    @Test
    void failedBatchIsResentWithItsIdSoEachHitIsDeliveredOnce() throws Exception {
        EmbeddedHeadcount server = start("/hits");
        receiver.enqueue(500);
        hit(server, "a", 2);
        HttpResponse<String> failed = Http.adminFlush(server);
        assertTrue(failed.body().contains("\"outcome\":\"failed\""), "first flush fails: " + failed.body());
        Request first = receiver.take(Receiver.PROMPTLY);

        hit(server, "b", 1);
        HttpResponse<String> ok = Http.adminFlush(server);
        assertTrue(ok.body().contains("\"outcome\":\"delivered\""), "second flush delivers: " + ok.body());
        Request again = receiver.take(Receiver.PROMPTLY);
        Request newer = receiver.take(Receiver.PROMPTLY);

        assertEquals(first.batchId(), again.batchId(), "the duplicate shares the batch id");
        assertEquals(first.body(), again.body(), "the duplicate is the same batch");
        assertNotEquals(first.batchId(), newer.batchId(), "newer hits are a new batch");
        Map<String, Long> dedupedById = new HashMap<>();
        Map<String, Map<String, Long>> byId = new HashMap<>();
        for (Request r : List.of(first, again, newer)) {
            byId.put(r.batchId(), r.hits());
        }
        byId.values().forEach(batch -> batch.forEach((k, n) -> dedupedById.merge(k, n, Long::sum)));
        assertEquals(Map.of("a", 2L, "b", 1L), dedupedById, "a receiver deduping by id counts each hit once");
    }

    @Test
    void hangingEndpointNeitherDelaysPixelsNorOutlivesTheFlushTimeout() throws Exception {
        EmbeddedHeadcount server = start("/hits", "flushTimeout", "3s");
        receiver.enqueueHang();
        hit(server, "before", 1);
        CompletableFuture<HttpResponse<String>> flush = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.adminFlush(server);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        receiver.take(Receiver.PROMPTLY); // the flush is now hanging inside the endpoint

        List<Long> latenciesMs = new ArrayList<>();
        for (int i = 0; i < 200 && !flush.isDone(); i++) {
            long start = System.nanoTime();
            hit(server, "during", 1);
            latenciesMs.add((System.nanoTime() - start) / 1_000_000);
        }
        assertFalse(latenciesMs.isEmpty(), "pixels were sent while the flush hung");
        Collections.sort(latenciesMs);
        long p99 = latenciesMs.get((int) Math.ceil(latenciesMs.size() * 0.99) - 1);
        assertTrue(p99 < 1_000, "pixels answer at once while the flush hangs (p99 " + p99 + "ms of "
                + latenciesMs.size() + ", flushTimeout 3000ms)");

        HttpResponse<String> outcome = flush.get(30, TimeUnit.SECONDS);
        assertTrue(outcome.body().contains("\"outcome\":\"failed\"") && outcome.body().contains("timed out after 3000ms"),
                "the flush times out: " + outcome.body());
        Http.adminFlush(server);
        Map<String, Long> delivered = new HashMap<>(receiver.take(Receiver.PROMPTLY).hits());
        receiver.take(Receiver.PROMPTLY).hits().forEach((k, n) -> delivered.merge(k, n, Long::sum));
        assertEquals(Map.of("before", 1L, "during", (long) latenciesMs.size()), delivered,
                "the hung batch and the hits counted meanwhile are both delivered");
    }

    @Test
    void undeployRunsAFinalFlush() throws Exception {
        EmbeddedHeadcount server = start("/hits");
        hit(server, "last", 4);
        server.close();
        assertEquals(Map.of("last", 4L), receiver.take(Receiver.PROMPTLY).hits(), "final flush at undeploy");
    }

    @Test
    void undeliverableHitsAreSpooledAndResentAfterRestart() throws Exception {
        EmbeddedHeadcount server = start("/hits");
        receiver.enqueue(503);
        hit(server, "survivor", 7);
        server.close();
        Request refused = receiver.take(Receiver.PROMPTLY);
        Path outbox = spoolDir.resolve("headcount@" + java.net.URLEncoder.encode("Tomcat/localhost", java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(batchFiles(outbox).stream().anyMatch(f -> f.endsWith(refused.batchId() + ".json")),
                "the undelivered batch stays in " + outbox + ": " + batchFiles(outbox));

        EmbeddedHeadcount restarted = start("/hits");
        Request resent = receiver.take(Receiver.PROMPTLY);
        assertEquals(refused.batchId(), resent.batchId(), "re-sent under the same batch id");
        assertEquals(Map.of("survivor", 7L), resent.hits(), "the spooled hits");
        Eventually.await("health shows the delivery and the batch file is gone", Receiver.PROMPTLY, () ->
                Http.send(Http.request(restarted.uri("/health")).GET().build()).body().contains("\"outcome\":\"delivered\"")
                        && batchFiles(outbox).isEmpty());
    }

    @Test
    void keyWithCrLfIsOneEscapedRecordLine() throws Exception {
        EmbeddedHeadcount server = start("/hits");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger record = java.util.logging.Logger.getLogger("org.headcount.hits");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level before = record.getLevel();
        record.setLevel(java.util.logging.Level.FINE); // Pixel Ping's per-key lines, one setting away
        record.addHandler(handler);
        try {
            hit(server, "%2Fa%0D%0A9%3A%09%2Fforged", 1);
            Http.adminFlush(server);
        } finally {
            record.removeHandler(handler);
            record.setLevel(before);
        }
        assertTrue(lines.contains("1:\t/a\\r\\n9:\\t/forged"), "one line, CR LF and tab escaped: " + lines);
        assertTrue(lines.stream().noneMatch(line -> line.contains("\n") || line.contains("\r")), "no line break: " + lines);
    }

    private static List<String> batchFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).toList();
        }
    }
}
