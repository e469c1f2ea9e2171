package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Http;
import org.headcount.testing.LoopbackClient;
import org.headcount.testing.RawWebSocket;
import org.headcount.testing.Receiver;
import org.headcount.testing.TomcatDistribution;
import org.junit.jupiter.api.Test;

/** The real Tomcat with tomcat-conf's RemoteIpValve uncommented, as for running behind a reverse proxy. */
class BehindProxyIT {

    private static final String PIXEL = "/headcount/pixel.gif?key=proxied";
    private static final String LIVE = "/headcount/live?page=/proxied";

    @Test
    void behindTheTrustedProxyLimitsApplyToTheForwardedAddressAndAForgerGainsNothing() throws Exception {
        try (Receiver receiver = new Receiver();
             DeployedServer server = TomcatDistribution.fromBuild().withRemoteIpValve().deploy(Map.of("endpoint",
                     receiver.uri("/hits").toString(), "interval", "1h", "maxHitsPerKeyPerClient", "3"))) {
            List<String> limitedAfterThree = new ArrayList<>(Collections.nCopies(3, (String) null));
            limitedAfterThree.addAll(Collections.nCopies(2, "rate-limited"));
            try (LoopbackClient proxy = LoopbackClient.connect("127.0.0.1", server.port())) {
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
                    "Authorization", Http.basic("admin", "change-me")).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build()).body()), "three per address");
        }
    }

    @Test
    void theLiveConnectionCapCountsForwardedAddressesFromTheTrustedProxyOnly() throws Exception {
        InetAddress proxy = InetAddress.getLoopbackAddress();
        InetAddress forger = InetAddress.getByName("127.0.0.2");
        List<RawWebSocket> held = new ArrayList<>();
        try (DeployedServer server = TomcatDistribution.fromBuild().withRemoteIpValve()
                .deploy(Map.of("maxLiveConnectionsPerClient", "1"))) {
            held.add(RawWebSocket.open(proxy, server.port(), LIVE, 8192, "X-Forwarded-For: 203.0.113.7\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":1}", held.get(0).nextText(), "the first visitor joins");
            try (RawWebSocket again = RawWebSocket.open(proxy, server.port(), LIVE, 8192, "X-Forwarded-For: 203.0.113.7\r\n")) {
                assertEquals(1013, again.refusal().code(), "the same forwarded visitor again is over its cap");
            }
            held.add(RawWebSocket.open(proxy, server.port(), LIVE, 8192, "X-Forwarded-For: 203.0.113.8\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":2}", held.get(1).nextText(), "another forwarded visitor joins");

            held.add(RawWebSocket.open(forger, server.port(), LIVE, 8192, "X-Forwarded-For: 198.51.100.1\r\n"));
            assertEquals("{\"page\":\"/proxied\",\"online\":3}", held.get(2).nextText(), "the forger's first joins");
            try (RawWebSocket forged = RawWebSocket.open(forger, server.port(), LIVE, 8192, "X-Forwarded-For: 198.51.100.2\r\n")) {
                assertEquals(1013, forged.refusal().code(), "not the trusted proxy: a forged address is ignored");
            }
        } finally {
            for (RawWebSocket socket : held) {
                socket.close();
            }
        }
    }
}
