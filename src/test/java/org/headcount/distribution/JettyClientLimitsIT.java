package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.JettyDistribution;
import org.headcount.testing.RawWebSocket;
import org.junit.jupiter.api.Test;

/**
 * In Jetty the upgrade runs before Headcount's filters, so a WebSocket's address comes from Jetty itself: the cap
 * per address must hold there too.
 */
class JettyClientLimitsIT {

    @Test
    void theLiveConnectionCapPerAddressHoldsInJetty() throws Exception {
        List<RawWebSocket> held = new ArrayList<>();
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        try (DeployedServer jetty = JettyDistribution.fromBuild().deploy(Map.of("maxLiveConnectionsPerClient", "2"))) {
            for (int i = 0; i < 2; i++) {
                RawWebSocket socket = RawWebSocket.open(attacker, jetty.port(), "/headcount/live?page=/jetty", 8192, "");
                held.add(socket);
                socket.nextText();
            }
            try (RawWebSocket third = RawWebSocket.open(attacker, jetty.port(), "/headcount/live?page=/jetty", 8192, "")) {
                assertEquals(1013, third.refusal().code(), "the third from one address is refused");
            }
            try (RawWebSocket other = RawWebSocket.open(InetAddress.getByName("127.0.0.3"), jetty.port(),
                    "/headcount/live?page=/jetty", 8192, "")) {
                assertEquals("{\"page\":\"/jetty\",\"online\":3}", other.nextText(), "another address joins");
            }
        } finally {
            for (RawWebSocket socket : held) {
                socket.close();
            }
        }
    }
}
