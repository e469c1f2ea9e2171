package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.websocket.CloseReason;
import java.math.BigDecimal;
import java.util.Map;
import org.headcount.testing.Eventually;
import org.headcount.testing.LiveClient;
import org.headcount.testing.SseClient;
import org.junit.jupiter.api.Test;

/** {@code /live} over the container's own WebSocket implementation, counted together with event streams. */
interface LiveContract extends DeployedWar {

    @Test
    default void webSocketAndEventStreamMembersAreCountedTogether() throws Exception {
        try (LiveClient first = LiveClient.open(server(), "page=/together")) {
            assertEquals(Map.of("page", "/together", "online", BigDecimal.ONE), first.next(SOON), "the first frame, at once");
            try (SseClient events = SseClient.open(server().uri("/live/events?page=/together"))) {
                assertEquals("{\"page\":\"/together\",\"online\":2}", events.next("data: ", SOON), "the event stream joins as 2");
                first.awaitOnline(2, SOON);
                try (LiveClient third = LiveClient.open(server(), "page=/together")) {
                    assertEquals(BigDecimal.valueOf(3), third.next(SOON).get("online"), "the third member hears 3 at once");
                    first.awaitOnline(3, SOON);
                    events.awaitData("{\"page\":\"/together\",\"online\":3}", SOON);
                }
                first.awaitOnline(2, SOON);
                events.awaitData("{\"page\":\"/together\",\"online\":2}", SOON);
            }
            // A closed event stream is noticed at the server's next keep-alive write, every 2 s.
            first.awaitOnline(1, SOON);
        }
        Eventually.await("/together empty in /stats", SOON, () -> members("/together") == 0);
    }

    @Test
    default void refererIsThePageAndWithNeitherTheSessionIsClosedPageRequired() throws Exception {
        String referer = "https://news.example/story?id=1";
        try (LiveClient withReferer = LiveClient.open(server(), "", Map.of("Referer", referer))) {
            assertEquals(referer, withReferer.next(SOON).get("page"), "the page is the handshake's Referer");
            assertEquals(1, members(referer), "/stats counts it under the Referer");
            // Each handshake's Referer must stay its own: a container sharing user properties would join this one too.
            assertPageRequired("no page and no Referer, while a session with a Referer is open");
        }
        assertPageRequired("no page and no Referer, after one with a Referer");
    }

    private void assertPageRequired(String what) throws Exception {
        try (LiveClient neither = LiveClient.open(server(), "")) {
            CloseReason reason = neither.awaitClose(SOON);
            assertEquals(1008, reason.getCloseCode().getCode(), what + ": closed as a policy violation");
            assertEquals("page required", reason.getReasonPhrase(), what + ": the reason a browser shows");
        }
    }

    @Test
    default void originsOutsideAllowedOriginsAreRefusedAtTheHandshake() throws Exception {
        assertThrows(Exception.class, () -> LiveClient.open(server(), "page=/origins", Map.of("Origin", "https://evil.example")),
                "a page on a foreign origin cannot connect");
        try (LiveClient allowed = LiveClient.open(server(), "page=/origins", Map.of("Origin", ALLOWED_ORIGIN))) {
            assertEquals(BigDecimal.ONE, allowed.next(SOON).get("online"), "an allowed origin connects and is counted");
        }
    }
}
