package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.RawWebSocket;
import org.headcount.testing.Scrape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /live} over real WebSocket clients against the deployed WAR. */
class LiveIT {

    private static final Duration MIN_DELAY = Duration.ofMillis(200);
    /** The notifier's tick plus scheduling on a busy 2-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedHeadcount.start(Map.of("notifyMinDelay", "200ms", "notifyDeltaRatio", "0", "maxPageLength", "2000",
                "allowedOrigins", "https://good.example, http://localhost"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String page(String name) {
        return "page=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static int stat(String page, String field) throws Exception {
        String body = Http.send(Http.request(server.uri("/stats")).GET().build()).body();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, BigDecimal>> stats = jakarta.json.bind.JsonbBuilder.create().fromJson(body, Map.class);
        Map<String, BigDecimal> entry = stats.get(page);
        return entry == null ? -1 : entry.get(field).intValue();
    }

    @Test
    void joinAndLeaveAreSeenByOtherMembersWithinTheMinDelay() throws Exception {
        try (LiveClient first = LiveClient.open(server, page("/join-leave"))) {
            assertEquals(Map.of("page", "/join-leave", "online", BigDecimal.ONE), first.next(SLACK), "first frame at once");
            Duration joinSeen;
            try (LiveClient second = LiveClient.open(server, page("/join-leave"))) {
                assertEquals(BigDecimal.valueOf(2), second.next(SLACK).get("online"), "the joiner hears 2 at once");
                joinSeen = first.awaitOnline(2, MIN_DELAY.plus(SLACK));
            }
            Duration leaveSeen = first.awaitOnline(1, MIN_DELAY.plus(SLACK));
            System.out.printf("join seen after %d ms, leave after %d ms (notifyMinDelay %d ms)%n",
                    joinSeen.toMillis(), leaveSeen.toMillis(), MIN_DELAY.toMillis());
        }
    }

    @Test
    void refererIsThePageWhenThereIsNoPageParameter() throws Exception {
        String referer = "https://news.example/story?id=1";
        try (LiveClient client = LiveClient.open(server, "", Map.of("Referer", referer))) {
            assertEquals(referer, client.next(SLACK).get("page"), "page from the Referer");
            assertEquals(1, stat(referer, "members"), "/stats counts it under the Referer");
        }
    }

    @Test
    void noPageAndNoRefererIsClosedWithPageRequired() throws Exception {
        try (LiveClient client = LiveClient.open(server, "")) {
            CloseReason reason = client.awaitClose(SLACK);
            assertEquals(1008, reason.getCloseCode().getCode(), "policy violation");
            assertEquals("page required", reason.getReasonPhrase(), "reason a browser can show");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"__proto__", "constructor", "../../etc/passwd", "über 🎉 страница", "<script>x</script>"})
    void hostilePageNamesAreCountedUnderTheirOwnName(String name) throws Exception {
        try (LiveClient a = LiveClient.open(server, page(name)); LiveClient b = LiveClient.open(server, page(name))) {
            assertEquals(name, a.next(SLACK).get("page"), "the page echoes exactly");
            b.next(SLACK);
            a.awaitOnline(2, MIN_DELAY.plus(SLACK));
            assertEquals(2, stat(name, "members"), "/stats under " + name);
        }
    }

    @Test
    void pageLongerThanMaxPageLengthIsClosedWithAReason() throws Exception {
        // 2001, not 4 KB: the WebSocket client caps its handshake at 4 KB (the registry test has 4 KB).
        try (LiveClient client = LiveClient.open(server, page("p".repeat(2001)))) {
            CloseReason reason = client.awaitClose(SLACK);
            assertEquals(1008, reason.getCloseCode().getCode(), "policy violation");
            assertEquals("page longer than 2000 characters", reason.getReasonPhrase(), "reason");
        }
    }

    @Test
    void originOutsideAllowedOriginsIsRefusedAtTheHandshake() throws Exception {
        assertThrows(Exception.class, () -> LiveClient.open(server, page("/o"), Map.of("Origin", "https://evil.example")),
                "a foreign origin cannot connect");
        try (LiveClient client = LiveClient.open(server, page("/o"), Map.of("Origin", "https://good.example"))) {
            assertEquals(BigDecimal.ONE, client.next(SLACK).get("online"), "an allowed origin connects");
        }
    }

    @Test
    void watchersSeeEveryPageWithoutBeingCounted() throws Exception {
        try (LiveClient watcher = LiveClient.open(server, "watch=all")) {
            Map<String, Object> first = watcher.next(SLACK);
            assertTrue(first.containsKey("total") && first.containsKey("pages"), "watcher frame: " + first);
            try (LiveClient member = LiveClient.open(server, page("/watched"))) {
                member.next(SLACK);
                Eventually.await("watcher sees /watched with 1", MIN_DELAY.plus(SLACK), () -> {
                    Map<String, Object> frame = watcher.next(MIN_DELAY.plus(SLACK));
                    @SuppressWarnings("unchecked")
                    Map<String, BigDecimal> pages = (Map<String, BigDecimal>) frame.get("pages");
                    return BigDecimal.ONE.equals(pages.get("/watched"));
                });
            }
            assertEquals(-1, stat("watch=all", "members"), "the watcher is on no page");
        }
    }

    @Test
    void textFromClientsIsIgnoredAndOversizedTextClosesOnlyThatSession() throws Exception {
        try (LiveClient listener = LiveClient.open(server, page("/chatty")); LiveClient chatty = LiveClient.open(server, page("/chatty"))) {
            listener.next(SLACK);
            chatty.next(SLACK);
            chatty.send("hello");
            // Over the 125-character limit, yet one write the kernel takes whole before the server reads it: with a
            // larger message the server's close could cut the client off mid-send (a broken pipe, no close frame).
            chatty.send("x".repeat(1024));
            CloseReason reason = chatty.awaitClose(SLACK);
            assertEquals(1009, reason.getCloseCode().getCode(), "a 1 KB message is too big");
            listener.awaitOnline(1, MIN_DELAY.plus(SLACK));
            assertTrue(listener.isOpen(), "others are unaffected");
        }
    }

    @Test
    void slowReaderIsClosedWhileOthersKeepGettingFrames() throws Exception {
        // 100 pages with 2000-character names: every watcher frame is about 200 KB.
        List<LiveClient> pages = new ArrayList<>();
        try (LiveClient fast = LiveClient.open(server, "watch=all");
             RawWebSocket slow = RawWebSocket.open(server.port(), "/headcount/live?watch=all", 4096)) {
            for (int i = 0; i < 100; i++) {
                pages.add(LiveClient.open(server, page(String.format("%04d", i) + "s".repeat(1996))));
            }
            int before = health("liveConnections");
            // One page's count goes up and down, so a new frame is due every min delay; the slow socket fills.
            Eventually.await("the slow watcher is closed while frames keep coming", Duration.ofSeconds(60), () -> {
                try (LiveClient toggle = LiveClient.open(server, page("toggle"))) {
                    toggle.next(SLACK);
                    fast.awaitOnline(pages.size() + 1, MIN_DELAY.plus(SLACK));
                }
                fast.awaitOnline(pages.size(), MIN_DELAY.plus(SLACK));
                return health("liveConnections") < before;
            });
            assertTrue(fast.isOpen(), "the fast watcher is still open and up to date");
            RawWebSocket.Close close = slow.readUntilClose();
            assertTrue(close.code() == 1013 || close.code() == -1,
                    "the slow reader was closed (1013, or cut off when even the close frame could not get through): " + close);
            assertTrue(Scrape.of(server).value("headcount_live_dropped_total{reason=\"too-slow\"}") >= 1,
                    "the metrics count the slow reader as dropped, too-slow");
        } finally {
            for (LiveClient client : pages) {
                client.close();
            }
        }
    }

    private static int health(String field) throws Exception {
        String body = Http.send(Http.request(server.uri("/health")).GET().build()).body();
        @SuppressWarnings("unchecked")
        Map<String, Object> health = jakarta.json.bind.JsonbBuilder.create().fromJson(body, Map.class);
        return ((BigDecimal) health.get(field)).intValue();
    }
}
