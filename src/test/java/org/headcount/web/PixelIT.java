package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pixel over real HTTP in the deployed WAR; what was counted is read back from a real flush. */
class PixelIT {

    private static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    private static Receiver receiver;
    private static EmbeddedHeadcount server;
    private static EmbeddedHeadcount refererServer;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h",
                "maxKeys", "50", "respectDoNotTrack", "true"));
        refererServer = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/referer").toString(),
                "interval", "1h", "keyFromReferer", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        refererServer.close();
        receiver.close();
    }

    private static URI pixel(EmbeddedHeadcount on, String key) {
        return on.uri("/pixel.gif" + (key == null ? "" : "?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)));
    }

    /** Flushes {@code on} and answers what its receiver got (nothing counted → empty). */
    private static Map<String, Long> flushed(EmbeddedHeadcount on) throws Exception {
        HttpResponse<String> flush = Http.adminFlush(on);
        assertEquals(200, flush.statusCode(), "admin flush: " + flush.body());
        if (flush.body().contains("\"outcome\":\"empty\"")) {
            return Map.of();
        }
        return new TreeMap<>(receiver.take(Receiver.PROMPTLY).hits());
    }

    private static void assertGif(HttpResponse<byte[]> response, String ignored, String what) {
        assertEquals(200, response.statusCode(), what + ": status");
        assertEquals("image/gif", response.headers().firstValue("Content-Type").orElse(null), what + ": Content-Type");
        assertEquals("private, no-cache, no-store, max-age=0, proxy-revalidate",
                response.headers().firstValue("Cache-Control").orElse(null), what + ": Cache-Control");
        assertEquals("no-cache", response.headers().firstValue("Pragma").orElse(null), what + ": Pragma");
        assertEquals("0", response.headers().firstValue("Expires").orElse(null), what + ": Expires");
        assertEquals(ignored, response.headers().firstValue("X-Headcount-Ignored").orElse(null), what + ": X-Headcount-Ignored");
        if (response.body() != null) {
            assertArrayEquals(GIF, response.body(), what + ": the 1×1 transparent GIF89a");
        }
    }

    @Test
    void getAndPostCountAndHeadDoesNot() throws Exception {
        flushed(server);
        assertGif(Http.get(pixel(server, "page-1")), null, "GET");
        HttpResponse<byte[]> post = Http.CLIENT.send(Http.request(pixel(server, "page-1"), "Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("beacon")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertGif(post, null, "POST (sendBeacon)");
        HttpResponse<Void> head = Http.CLIENT.send(Http.request(pixel(server, "page-1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode(), "HEAD status");
        assertEquals("image/gif", head.headers().firstValue("Content-Type").orElse(null), "HEAD Content-Type");
        assertEquals(String.valueOf(GIF.length), head.headers().firstValue("Content-Length").orElse(null), "HEAD Content-Length");
        assertEquals(Map.of("page-1", 2L), flushed(server), "GET and POST counted once each, HEAD not at all");
    }

    @Test
    void hostileKeysAreCountedExactlyAsSent() throws Exception {
        flushed(server);
        String longest = "k".repeat(512);
        Map<String, Long> expected = new TreeMap<>(Map.of("__proto__", 2L, "constructor", 1L, "hasOwnProperty", 1L,
                "über 🎉 ключ", 1L, "nul\u0000byte", 1L, longest, 1L, "../../etc/passwd", 1L, "a&b=c", 1L,
                "<script>alert(1)</script>", 1L));
        expected.forEach((key, n) -> {
            for (int i = 0; i < n; i++) {
                try {
                    assertGif(Http.get(pixel(server, key)), null, "key " + key);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertEquals(expected, flushed(server), "every key counted under exactly its own name");
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no key | /pixel.gif | no-key",
            "empty key | /pixel.gif?key= | no-key",
            "513 characters | /pixel.gif?key=LONG | key-too-long",
            "invalid UTF-8 | /pixel.gif?key=%C3%28 | ",
    })
    void refusedHitsStillGetTheGifAndSayWhy(String what, String path, String reason) throws Exception {
        flushed(server);
        HttpResponse<byte[]> response = Http.get(server.uri(path.replace("LONG", "k".repeat(513))));
        if (reason != null) {
            assertGif(response, reason, what);
            assertEquals(Map.of(), flushed(server), what + ": nothing counted");
        } else {
            // Malformed input: the GIF always comes; whether a key survived decoding is the container's call.
            assertGif(response, response.headers().firstValue("X-Headcount-Ignored").orElse(null), what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed percent-escape | GET /headcount/pixel.gif?key=%ZZ%C3 HTTP/1.1",
            "truncated percent-escape | GET /headcount/pixel.gif?key=abc% HTTP/1.1",
            "NUL in a raw query | GET /headcount/pixel.gif?key=a%00b&key=%E0%80%80 HTTP/1.1",
    })
    void malformedQueriesStillGetTheGif(String what, String requestLine) throws Exception {
        String head = Http.raw(server.port(), requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200"), what + ": status line of " + head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: image/gif"), what + ": a GIF: " + head);
    }

    @Test
    void doNotTrackAndGlobalPrivacyControlAreRespectedWhenConfigured() throws Exception {
        flushed(server);
        assertGif(Http.get(pixel(server, "dnt"), "DNT", "1"), "do-not-track", "DNT: 1");
        assertGif(Http.get(pixel(server, "dnt"), "Sec-GPC", "1"), "do-not-track", "Sec-GPC: 1");
        assertGif(Http.get(pixel(server, "dnt"), "DNT", "0"), null, "DNT: 0");
        assertEquals(Map.of("dnt", 1L), flushed(server), "only the DNT: 0 hit counted");
    }

    @Test
    void tooManyKeysIsRefusedAtMaxKeysAndTheLastBatchsKeysKeepTheirRoom() throws Exception {
        flushed(server);
        for (int i = 0; i < 50; i++) {
            assertGif(Http.get(pixel(server, "key-" + i)), null, "key " + i + " of maxKeys=50");
        }
        assertGif(Http.get(pixel(server, "key-50")), "too-many-keys", "the 51st distinct key");
        assertGif(Http.get(pixel(server, "key-0")), null, "a key already in the batch");
        assertEquals(50, flushed(server).size(), "the batch holds maxKeys keys");
        assertGif(Http.get(pixel(server, "key-50")), "too-many-keys", "after a flush the last batch's keys keep their room");
        assertGif(Http.get(pixel(server, "key-0")), null, "a key of the last batch still counts");
        assertEquals(Map.of("key-0", 1L), flushed(server), "the next batch");
        assertGif(Http.get(pixel(server, "key-50")), null, "room for new keys once the old ones went quiet");
        assertEquals(Map.of("key-50", 1L), flushed(server), "the batch after");
    }

    @Test
    void withKeyFromRefererTheRefererIsTheKeyExactlyAsSent() throws Exception {
        String referer = "https://Example.com/Path/?q=1#frag";
        assertGif(Http.get(pixel(refererServer, null), "Referer", referer), null, "no key, Referer");
        assertGif(Http.get(pixel(refererServer, "explicit"), "Referer", referer), null, "key wins over Referer");
        assertGif(Http.get(pixel(refererServer, null)), "no-key", "neither key nor Referer");
        assertEquals(Map.of(referer, 1L, "explicit", 1L), flushed(refererServer), "counted under the raw Referer");
    }

    @Test
    void withoutKeyFromRefererTheRefererIsIgnored() throws Exception {
        flushed(server);
        assertGif(Http.get(pixel(server, null), "Referer", "https://example.com/"), "no-key", "Referer alone");
        assertEquals(Map.of(), flushed(server), "nothing counted");
    }
}
