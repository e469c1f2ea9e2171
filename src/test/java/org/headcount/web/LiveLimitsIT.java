package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.LiveClient;
import org.headcount.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** maxConnDuration and maxConnections, on a server configured small. */
class LiveLimitsIT {

    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedHeadcount.start(Map.of("maxConnDuration", "1s", "maxConnections", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void sessionsAreClosedGoingAwayAtMaxConnDurationAndConnectionsAreBounded() throws Exception {
        try (LiveClient a = LiveClient.open(server, "page=/limits"); LiveClient b = LiveClient.open(server, "page=/limits")) {
            a.next(Duration.ofSeconds(5));
            b.next(Duration.ofSeconds(5));
            try (RawWebSocket third = RawWebSocket.open(server.port(), "/headcount/live?page=/limits", 65536)) {
                RawWebSocket.Close full = third.refusal();
                assertEquals(1013, full.code(), "maxConnections 2: try again later");
                assertEquals("too many connections (maxConnections 2)", full.reason(), "reason");
            }
            // maxConnDuration 1 s, checked every second: closed within about 2 s.
            CloseReason expired = a.awaitClose(Duration.ofSeconds(10));
            assertEquals(1001, expired.getCloseCode().getCode(), "going away");
            assertEquals("maxConnDuration reached, reconnect", expired.getReasonPhrase(), "reason");
        }
    }
}
