package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.headcount.live.PngRenderer;
import org.headcount.live.PngStreamSubscriber;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.Stats;
import org.headcount.testing.PngStream;
import org.headcount.testing.PngStream.Part;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The streamed PNG counter over real HTTP: multipart framing part by part, and each stream counted on its Referer page. */
class OnlinePngIT {

    /** How long a change may take to reach a stream or /stats: notifyMinDelay is 100ms here, so this is all slack. */
    static final Duration PROMPTLY = Duration.ofSeconds(10);
    /**
     * Tomcat learns that a streaming client went away only when a write to it fails, and the first write after a
     * clean close still succeeds; the notifier's heartbeat (Notifier.HEARTBEAT_MS, 15 s) writes to every stream,
     * so an idle page sees a leave within two heartbeats.
     */
    static final Duration LEAVE_SEEN_WITHIN = Duration.ofSeconds(2 * 2 + 6);
    private static final Jsonb JSONB = JsonbBuilder.create();
    /** The same renderer the WAR runs, so the images a stream must carry can be compared byte for byte. */
    private static final PngRenderer EXPECTED = new PngRenderer();
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedHeadcount.start(Map.of("notifyMinDelay", "100ms", "maxPageLength", "512"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void withoutRefererIsForbidden() throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("/online.png"));
        assertEquals(403, response.statusCode(), "no Referer: the image is only for embedding pages");
    }

    @Test
    void tooLongRefererIsABadRequest() throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("/online.png"), "Referer", "http://example.test/" + "a".repeat(600));
        assertEquals(400, response.statusCode(), "a Referer past maxPageLength is refused before streaming");
    }

    @Test
    void streamPastMaxConnectionsIsUnavailable() throws Exception {
        try (EmbeddedHeadcount full = EmbeddedHeadcount.start(Map.of("maxConnections", "1"));
                PngStream only = PngStream.open(full, "http://example.test/full")) {
            assertArrayEquals(EXPECTED.render(1), only.next().body(), "the one allowed stream runs");
            HttpResponse<byte[]> refused = Http.get(full.uri("/online.png"), "Referer", "http://example.test/full");
            assertEquals(503, refused.statusCode(), "a stream past maxConnections is refused for now, before streaming");
        }
    }

    @Test
    void headAnswersTheHeadersWithoutCountingAViewer() throws Exception {
        String page = "http://example.test/head-only";
        HttpResponse<String> head = Http.send(Http.request(server.uri("/online.png"), "Referer", page)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode(), "HEAD status");
        assertEquals(PngStreamSubscriber.CONTENT_TYPE, head.headers().firstValue("Content-Type").orElse(null), "HEAD Content-Type");
        assertEquals(0, Stats.members(server, page), "a HEAD is nobody viewing the page");
    }

    @Test
    void streamDeclaresMultipartAndCarriesPngParts() throws Exception {
        try (PngStream stream = PngStream.open(server, "http://example.test/framing")) {
            HttpResponse<InputStream> response = stream.response();
            assertEquals(200, response.statusCode(), "status");
            assertEquals(PngStreamSubscriber.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(null),
                    "Content-Type declares the boundary without the leading dashes");
            assertTrue(PngStreamSubscriber.CONTENT_TYPE.endsWith("boundary=" + PngStreamSubscriber.BOUNDARY)
                    && !PngStreamSubscriber.BOUNDARY.startsWith("--"), "the boundary must be declared without dashes");
            assertEquals("no-cache, no-store", response.headers().firstValue("Cache-Control").orElse(null), "Cache-Control");
            assertEquals("no-cache", response.headers().firstValue("Pragma").orElse(null), "Pragma");
            Part first = stream.next();
            assertEquals("image/png", first.header("Content-Type"), "each part says it is a PNG");
            String length = first.header("Content-Length");
            assertTrue(length == null || Integer.parseInt(length) == first.body().length,
                    "a part's Content-Length, if any, must match its body: " + length + " vs " + first.body().length);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(first.body()));
            assertNotNull(image, "the first part's body should decode as an image");
            assertEquals(PngRenderer.WIDTH_PX, image.getWidth(), "image width");
            assertEquals(PngRenderer.HEIGHT_PX, image.getHeight(), "image height");
            assertArrayEquals(EXPECTED.render(1), first.body(), "the first image should say 1 online");
        }
    }

    @Test
    void eachStreamIsOneViewerOfItsRefererPage() throws Exception {
        // The page is the Referer exactly as sent: query and fragment included, nothing normalised.
        String page = "http://Example.test/articles/7?from=feed#comments";
        try (PngStream first = PngStream.open(server, page)) {
            assertArrayEquals(EXPECTED.render(1), first.next().body(), "the first viewer first sees 1");
            awaitMembers(page, 1);
            try (PngStream second = PngStream.open(server, page)) {
                assertArrayEquals(EXPECTED.render(2), second.next().body(), "the second viewer first sees 2");
                assertArrayEquals(EXPECTED.render(2), first.next().body(), "the first viewer is told 2 when the second joins");
                awaitMembers(page, 2);
            }
            long closed = System.nanoTime();
            awaitMembers(page, 1, LEAVE_SEEN_WITHIN);
            System.out.printf("PNG stream leave seen in /stats after %d ms%n", (System.nanoTime() - closed) / 1_000_000);
            assertArrayEquals(EXPECTED.render(1), first.nextChangeFrom(EXPECTED.render(2)).body(),
                    "the first viewer is told 1 when the second leaves");
        }
    }

    private static void awaitMembers(String page, int members) throws Exception {
        awaitMembers(page, members, PROMPTLY);
    }

    private static void awaitMembers(String page, int members, Duration within) throws Exception {
        Eventually.await("/stats shows " + members + " members on " + page, within, () -> Stats.members(server, page) == members);
    }

}
