package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;
import org.headcount.live.PngRenderer;
import org.headcount.live.PngStreamSubscriber;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.PngStream;
import org.headcount.testing.SseClient;
import org.junit.jupiter.api.Test;

/** The other ways to see a count: event streams with CORS, the streamed PNG, the badge and /stats. */
interface StreamContract extends DeployedWar {

    @Test
    default void eventStreamHasItsHeadersRetryAndCorsForAllowedOriginsOnly() throws Exception {
        try (SseClient events = SseClient.open(server().uri("/live/events?page=/sse"), "Origin", ALLOWED_ORIGIN)) {
            HttpResponse<?> response = events.response();
            assertEquals(200, response.statusCode(), "status");
            assertEquals("text/event-stream", AdminContract.mediaType(response), "Content-Type");
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(null), "Cache-Control");
            assertEquals(ALLOWED_ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                    "CORS for the allowed origin");
            assertEquals("3000", events.next("retry: ", SOON), "retry: comes first");
            assertEquals("{\"page\":\"/sse\",\"online\":1}", events.next("data: ", SOON), "the count at once");
        }
        HttpResponse<byte[]> refused = Http.get(server().uri("/live/events?page=/sse"), "Origin", "https://evil.example");
        assertEquals(403, refused.statusCode(), "a foreign origin is refused");
    }

    @Test
    default void onlinePngIsMultipartPngFramesCountedOnItsRefererPage() throws Exception {
        assertEquals(403, Http.get(server().uri("/online.png")).statusCode(), "no Referer: forbidden");
        String page = "http://example.test/png?from=feed";
        try (PngStream stream = PngStream.open(server(), page)) {
            assertEquals(200, stream.response().statusCode(), "status");
            assertEquals(PngStreamSubscriber.CONTENT_TYPE, stream.response().headers().firstValue("Content-Type").orElse(null),
                    "Content-Type declares the boundary, without the leading dashes and without a charset");
            PngStream.Part first = stream.next();
            assertEquals("image/png", first.header("Content-Type"), "each part is a PNG");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(first.body()));
            assertNotNull(image, "the first part decodes as an image");
            assertArrayEquals(new PngRenderer().render(1), first.body(), "the first image says 1 online");
            Eventually.await("/stats shows the stream on its Referer page", SOON, () -> members(page) == 1);
        }
    }

    @Test
    default void headOnTheEventStreamAndThePngCountsNobody() throws Exception {
        String page = "http://example.test/only-headers";
        for (String path : new String[] {"/live/events?page=" + URLEncoder.encode(page, StandardCharsets.UTF_8), "/online.png"}) {
            HttpResponse<String> head = Http.send(Http.request(server().uri(path), "Referer", page, "Origin", ALLOWED_ORIGIN)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode(), "HEAD " + path);
            assertTrue(head.headers().firstValue("Content-Type").isPresent(), "HEAD " + path + " has the stream's headers");
        }
        HttpResponse<String> stats = Http.send(Http.request(server().uri("/stats")).GET().build());
        assertFalse(stats.body().contains("only-headers"), "a HEAD is nobody, not even a page: " + stats.body());
    }

    @Test
    default void badgeShowsThePagesCountAndIsNeverCached() throws Exception {
        try (LiveClient member = LiveClient.open(server(), "page=/badged")) {
            member.next(SOON);
            HttpResponse<String> badge = Http.send(Http.request(server().uri("/badge.svg?page=/badged")).GET().build());
            assertEquals(200, badge.statusCode(), "status");
            assertEquals("image/svg+xml", AdminContract.mediaType(badge), "an SVG");
            assertTrue(badge.headers().firstValue("Cache-Control").orElse("").contains("no-cache"), "never cached");
            assertTrue(badge.body().contains("<title>online · 1</title>"), "the badge says online · 1, in UTF-8: " + badge.body());
            assertTrue(badge.body().strip().endsWith(">1</text></g></svg>"), "the value part shows 1: " + badge.body());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    default void statsHasAudienceMetersShape() throws Exception {
        String page = "/stats/über 🎉";
        try (LiveClient member = LiveClient.open(server(), "page=" + URLEncoder.encode(page, StandardCharsets.UTF_8))) {
            assertEquals(page, member.next(SOON).get("page"), "the page name comes back exactly, in UTF-8");
            HttpResponse<String> stats = Http.send(Http.request(server().uri("/stats")).GET().build());
            assertEquals("application/json", AdminContract.mediaType(stats), "JSON");
            Map<String, BigDecimal> entry = (Map<String, BigDecimal>) JSONB.fromJson(stats.body(), Map.class).get(page);
            assertNotNull(entry, "the page is listed: " + stats.body());
            assertEquals(1, entry.get("members").intValueExact(), "members now");
            assertTrue(entry.get("connections").intValueExact() >= 1, "connections since created: " + entry);
            long created = entry.get("created").longValueExact();
            long now = System.currentTimeMillis() / 1000;
            assertTrue(created <= now && created > now - 3600, "created is a recent unix time in seconds: " + created);
        }
    }
}
