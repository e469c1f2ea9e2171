package org.headcount.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.NodeProcess;
import org.headcount.testing.RawWebSocket;
import org.headcount.testing.Stats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live clients that misbehave at scale, against a node in its own JVM with a bounded heap (-Xmx768m): if memory
 * grew per stuck client (beyond the ~50 KB of buffers Tomcat keeps per WebSocket), the node would fall over and
 * the polite clients would stop hearing counts.
 */
class LiveAbuseIT {

    private static final Duration SLACK = Duration.ofSeconds(5);
    private static NodeProcess node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeProcess.start(Map.of("notifyMinDelay", "100ms", "notifyDeltaRatio", "0", "maxConnections", "20000",
                "pageCleanDelay", "0", EmbeddedHeadcount.CONNECTOR + "maxConnections", "15000"), List.of("-Xmx768m"));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void tenThousandWebSocketClientsThatNeverReadLeaveFastClientsServed() throws Exception {
        int stuck = 10_000;
        List<RawWebSocket> neverRead = new ArrayList<>(stuck);
        try (LiveClient fast = LiveClient.open(node, "page=/hot")) {
            fast.next(SLACK);
            long start = System.nanoTime();
            for (int i = 0; i < stuck; i++) {
                try {
                    neverRead.add(RawWebSocket.open(node.port(), "/headcount/live?page=/hot", 4096));
                } catch (java.io.IOException e) {
                    throw new AssertionError("client " + i + " could not connect; see target/node-" + node.port() + ".log", e);
                }
            }
            System.out.printf("%d never-reading WebSocket clients connected in %d ms%n", stuck,
                    (System.nanoTime() - start) / 1_000_000);
            fast.awaitOnline(stuck + 1, Duration.ofSeconds(30));
            for (int round = 0; round < 20; round++) {
                try (LiveClient toggle = LiveClient.open(node, "page=/hot")) {
                    toggle.next(SLACK);
                    fast.awaitOnline(stuck + 2, SLACK);
                }
                fast.awaitOnline(stuck + 1, SLACK);
            }
            assertTrue(fast.isOpen(), "the polite client was served throughout");
            assertEquals(200, Http.get(node.uri("/health")).statusCode(), "the node is healthy within its heap");
        } finally {
            for (RawWebSocket socket : neverRead) {
                socket.close();
            }
        }
    }

    @Test
    void sseClientsDisconnectingMidWriteAreForgotten() throws Exception {
        int rude = 200;
        List<Socket> streams = new ArrayList<>();
        try (LiveClient fast = LiveClient.open(node, "page=/rude")) {
            fast.next(SLACK);
            for (int i = 0; i < rude; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port());
                OutputStream out = socket.getOutputStream();
                out.write("GET /headcount/live/events?page=/rude HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                streams.add(socket);
            }
            fast.awaitOnline(rude + 1, Duration.ofSeconds(30));
            // Count changes make the server write to every stream while they are being reset under it.
            try (LiveClient toggle = LiveClient.open(node, "page=/rude")) {
                for (Socket socket : streams) {
                    socket.setSoLinger(true, 0); // close with a reset, mid-stream
                    socket.close();
                }
                toggle.next(SLACK);
            }
            fast.awaitOnline(1, Duration.ofSeconds(15));
            Eventually.await("/stats forgets the reset streams", SLACK, () -> Stats.members(node.uri("/stats?node=local"), "/rude") == 1);
            assertEquals(200, Http.get(node.uri("/health")).statusCode(), "the node is healthy");
        }
    }
}
