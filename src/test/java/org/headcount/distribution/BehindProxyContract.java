package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Http;
import org.headcount.testing.LoopbackClient;
import org.headcount.testing.RawWebSocket;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.Test;

/**
 * A container set up as the docs say for running behind a reverse proxy: the proxy (127.0.0.1) reaches a port
 * where X-Forwarded-For names the visitor; anyone else (127.0.0.2) sends the header in vain.
 */
interface BehindProxyContract {

    String PIXEL = "/headcount/pixel.gif?key=proxied";
    String LIVE = "/headcount/live?page=/proxied";

    /** A deployment with {@code settings}, and the port the trusted proxy talks to. */
    record Proxied(DeployedServer server, int proxyPort) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    Proxied deployBehindProxy(Map<String, String> settings) throws Exception;

    @Test
    default void behindTheProxyLimitsApplyToTheForwardedAddressAndAForgerGainsNothing() throws Exception {
        try (Receiver receiver = new Receiver();
             Proxied proxied = deployBehindProxy(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h",
                     "maxHitsPerKeyPerClient", "3"))) {
            DeployedServer server = proxied.server();
            List<String> limitedAfterThree = new ArrayList<>(Collections.nCopies(3, (String) null));
            limitedAfterThree.addAll(Collections.nCopies(2, "rate-limited"));
            try (LoopbackClient proxy = LoopbackClient.connect("127.0.0.1", proxied.proxyPort())) {
                for (String visitor : List.of("203.0.113.7", "203.0.113.8")) {
                    assertEquals(limitedAfterThree, proxy.get(Collections.nCopies(5, PIXEL), "X-Forwarded-For: " + visitor + "\r\n"),
                            "through the trusted proxy, " + visitor + " has a budget of its own");
                }
            }
            try (LoopbackClient forger = LoopbackClient.connect("127.0.0.2", server.port())) {
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    answers.addAll(forger.get(List.of(PIXEL), "X-Forwarded-For: 198.51.100." + i + "\r\n"));
                }
                assertEquals(limitedAfterThree, answers, "not the proxy: its forged addresses are ignored, one budget");
            }
            assertEquals(Map.of("proxied", 9L), receiver.takeFlushed(Http.send(Http.request(server.uri("/admin/flush"),
                    "Authorization", Http.basic("admin", "change-me")).POST(HttpRequest.BodyPublishers.noBody())
                    .build()).body()), "three per address");
        }
    }

    @Test
    default void theLiveConnectionCapCountsForwardedAddressesFromTheProxyOnly() throws Exception {
        InetAddress proxy = InetAddress.getLoopbackAddress();
        InetAddress forger = InetAddress.getByName("127.0.0.2");
        List<RawWebSocket> held = new ArrayList<>();
        try (Proxied proxied = deployBehindProxy(Map.of("maxLiveConnectionsPerClient", "1"))) {
            int proxyPort = proxied.proxyPort();
            held.add(RawWebSocket.open(proxy, proxyPort, LIVE, 8192, "X-Forwarded-For: 203.0.113.7\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":1}", held.get(0).nextText(), "the first visitor joins");
            try (RawWebSocket again = RawWebSocket.open(proxy, proxyPort, LIVE, 8192, "X-Forwarded-For: 203.0.113.7\r\n")) {
                assertEquals(1013, again.refusal().code(), "the same forwarded visitor again is over its cap");
            }
            held.add(RawWebSocket.open(proxy, proxyPort, LIVE, 8192, "X-Forwarded-For: 203.0.113.8\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":2}", held.get(1).nextText(), "another forwarded visitor joins");

            int publicPort = proxied.server().port();
            held.add(RawWebSocket.open(forger, publicPort, LIVE, 8192, "X-Forwarded-For: 198.51.100.1\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":3}", held.get(2).nextText(), "the forger's first joins");
            try (RawWebSocket forged = RawWebSocket.open(forger, publicPort, LIVE, 8192, "X-Forwarded-For: 198.51.100.2\r\n")) {
                assertEquals(1013, forged.refusal().code(), "not the proxy: a forged address is ignored");
            }
        } finally {
            for (RawWebSocket socket : held) {
                socket.close();
            }
        }
    }
}
