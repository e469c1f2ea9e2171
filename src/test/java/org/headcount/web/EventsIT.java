package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.SseClient;
import org.headcount.testing.Stats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /live/events}: Server-Sent Events read with java.net.http, counted alongside WebSocket members. */
class EventsIT {

    private static final Duration SOON = Duration.ofSeconds(3);
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedHeadcount.start(Map.of("notifyMinDelay", "100ms", "notifyDeltaRatio", "0",
                "allowedOrigins", "https://good.example", "pageCleanDelay", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static java.net.URI events(String page) {
        return server.uri("/live/events?page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
    }

    @Test
    void streamsTheSameJsonAsDataLinesAndCountsWithWebSocketMembers() throws Exception {
        try (SseClient sse = SseClient.open(events("/mixed"))) {
            HttpResponse<?> response = sse.response();
            assertEquals(200, response.statusCode(), "status");
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse("").split(";")[0], "type");
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(null), "no caching");
            assertEquals("3000", sse.next("retry: ", SOON), "retry first");
            assertEquals("{\"page\":\"/mixed\",\"online\":1}", sse.next("data: ", SOON), "the count at once");
            try (LiveClient ws = LiveClient.open(server, "page=/mixed")) {
                assertEquals(BigDecimal.valueOf(2), ws.next(SOON).get("online"), "the WebSocket member counts the SSE one");
                assertEquals("{\"page\":\"/mixed\",\"online\":2}", sse.next("data: ", SOON), "SSE hears the join");
            }
            assertEquals("{\"page\":\"/mixed\",\"online\":1}", sse.next("data: ", SOON), "and the leave");
        }
        // A server learns that an idle stream was closed when it next writes: a heartbeat, every 2 s.
        Eventually.await("a closed stream leaves its page", Duration.ofSeconds(10), () -> Stats.members(server, "/mixed") == 0);
    }

    @Test
    void allowedOriginGetsCorsAndOthersAreRefused() throws Exception {
        try (SseClient sse = SseClient.open(events("/cors"), "Origin", "https://good.example")) {
            assertEquals("https://good.example", sse.response().headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                    "CORS for an allowed origin");
            sse.next("data: ", SOON);
        }
        HttpResponse<byte[]> refused = Http.get(events("/cors"), "Origin", "https://evil.example");
        assertEquals(403, refused.statusCode(), "a foreign origin is refused");
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no page | /live/events | 400",
            "empty page | /live/events?page= | 400",
            "4 KB page | /live/events?page=LONG | 400",
    })
    void badPagesGetAClearError(String what, String path, int status) throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri(path.replace("LONG", "p".repeat(4096))));
        assertEquals(status, response.statusCode(), what);
    }

    @Test
    void refererIsThePageWithoutAPageParameter() throws Exception {
        String referer = "https://blog.example/post/1";
        try (SseClient sse = SseClient.open(server.uri("/live/events"), "Referer", referer)) {
            assertTrue(sse.next("data: ", SOON).contains("\"online\":1"), "counted");
            assertEquals(1, Stats.members(server, referer), "under the Referer");
        }
    }
}
