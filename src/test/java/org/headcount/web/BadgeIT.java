package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.PngStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one-shot SVG badge: the page's live count, whatever transport its viewers use, and never the page name. */
class BadgeIT {

    /** The value part is the badge's last {@code <text>}. */
    private static final Pattern VALUE = Pattern.compile("<text[^>]*>([^<]*)</text></g></svg>");
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedHeadcount.start(Map.of("notifyMinDelay", "100ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static URI badge(String page) {
        return server.uri("/badge.svg?page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
    }

    private static String svg(String page) throws Exception {
        HttpResponse<byte[]> response = Http.get(badge(page));
        assertEquals(200, response.statusCode(), "badge status for " + abbreviated(page));
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String shown(String svg) {
        Matcher value = VALUE.matcher(svg);
        assertTrue(value.find(), "the badge should end with a value text: " + svg);
        return value.group(1);
    }

    private static String abbreviated(String page) {
        return page.length() <= 40 ? page : page.substring(0, 40) + "…(" + page.length() + " chars)";
    }

    @Test
    void answersAnUncachedSvg() throws Exception {
        HttpResponse<byte[]> response = Http.get(badge("http://example.test/headers"));
        assertEquals(200, response.statusCode(), "status");
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).replace(" ", "");
        assertEquals("image/svg+xml;charset=utf-8", type, "Content-Type");
        assertEquals("no-cache, no-store, max-age=0", response.headers().firstValue("Cache-Control").orElse(null), "Cache-Control");
        String svg = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), "the body should be an SVG document: " + svg);
        assertTrue(svg.contains("online · 0"), "the badge's title should read 'online · 0': " + svg);
    }

    @Test
    void showsNoViewersAsZero() throws Exception {
        assertEquals("0", shown(svg("http://example.test/nobody-here")), "a page nobody has open");
    }

    @Test
    void countsAnSseViewer() throws Exception {
        String page = "http://example.test/read-by-sse";
        HttpResponse<InputStream> events = Http.CLIENT.send(Http.request(
                server.uri("/live/events?page=" + URLEncoder.encode(page, StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = events.body()) {
            assertEquals(200, events.statusCode(), "SSE status");
            Eventually.await("the badge shows 1 while an SSE stream is open", OnlinePngIT.PROMPTLY, () -> "1".equals(shown(svg(page))));
        }
    }

    @Test
    void countsAPngViewer() throws Exception {
        String page = "http://example.test/read-by-png";
        try (PngStream stream = PngStream.open(server, page)) {
            stream.next();
            assertEquals("1", shown(svg(page)), "the badge while a PNG stream is open on the page");
        }
    }

    static Stream<Arguments> hostilePages() {
        return Stream.of(
                Arguments.of("\"><script>alert(1)</script>", "<script>"),
                Arguments.of("</text><text>999</text>", "999"),
                Arguments.of("' onload='alert(1)", "onload"),
                Arguments.of("__proto__", "__proto__"),
                Arguments.of("../../etc/passwd", "passwd"),
                Arguments.of("页面 ✓ \u202Eevil", "页面"),
                Arguments.of("x".repeat(4096), "x".repeat(100)));
    }

    @ParameterizedTest
    @MethodSource("hostilePages")
    void hostilePageNamesAreNeverEchoed(String page, String mustNotAppear) throws Exception {
        String svg = svg(page);
        assertFalse(svg.contains(mustNotAppear), "the page name leaked into the SVG for " + abbreviated(page) + ": " + svg);
        assertEquals("0", shown(svg), "a hostile page nobody has open shows 0: " + abbreviated(page));
    }

    @Test
    void withoutPageIsABadRequest() throws Exception {
        assertEquals(400, Http.get(server.uri("/badge.svg")).statusCode(), "no page parameter");
        assertEquals(400, Http.get(server.uri("/badge.svg?page=")).statusCode(), "an empty page parameter");
    }
}
