package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.JettyDistribution;
import org.headcount.testing.LiveClient;
import org.headcount.testing.Stats;
import org.headcount.testing.TomcatDistribution;
import org.junit.jupiter.api.Test;

/** A page where nothing happens stays connected, and counted once, in both containers with their default settings. */
class QuietPageIT {

    /** Past two of Jetty's default 30 s WebSocket idle timeouts. */
    private static final Duration HELD = Duration.ofSeconds(70);
    private static final Duration SOON = Duration.ofSeconds(30);

    @Test
    void aSilentWebSocketHeldFor70sIsNeitherClosedNorCountedAgainInTomcatAndJetty() throws Exception {
        try (DeployedServer tomcat = TomcatDistribution.fromBuild().deploy(Map.of());
             DeployedServer jetty = JettyDistribution.fromBuild().deploy(Map.of());
             LiveClient onTomcat = LiveClient.open(tomcat, "page=/quiet");
             LiveClient onJetty = LiveClient.open(jetty, "page=/quiet")) {
            onTomcat.awaitOnline(1, SOON);
            onJetty.awaitOnline(1, SOON);
            // Both held at once, so one wait covers the two containers.
            assertFalse(onJetty.closedWithin(HELD), "Jetty kept the quiet page's WebSocket open for " + HELD);
            assertFalse(onTomcat.closedWithin(Duration.ZERO), "Tomcat kept the quiet page's WebSocket open for " + HELD);
            for (DeployedServer server : new DeployedServer[] {tomcat, jetty}) {
                assertEquals(1, Stats.members(server, "/quiet"), server + ": one viewer on the quiet page");
                assertEquals(1, Stats.connections(server, "/quiet"), server + ": one connection ever, no reconnect");
            }
        }
    }
}
