package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.headcount.jmx.Jmx;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MBeans of the deployed WAR, through the platform MBean server of this JVM (where the embedded Tomcat runs). */
class JmxIT {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final ObjectName COUNTER = Jmx.name("Counter", "/headcount");
    private static final ObjectName PRESENCE = Jmx.name("Presence", "/headcount");
    private static Receiver receiver;
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h",
                "notifyMinDelay", "100ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        receiver.close();
    }

    @Test
    void flushNowOverJmxSendsThePendingHitsToTheReceiver() throws Exception {
        Http.get(server.uri("/pixel.gif?key=jmx-1"));
        Http.get(server.uri("/pixel.gif?key=jmx-1"));
        Http.get(server.uri("/pixel.gif?key=jmx-2"));
        assertEquals(2, JMX.getAttribute(COUNTER, "PendingKeys"), "two keys pending");
        assertEquals(3L, JMX.getAttribute(COUNTER, "PendingHits"), "three hits pending");

        String outcome = (String) JMX.invoke(COUNTER, "flushNow", null, null);
        assertTrue(outcome.startsWith("delivered: 1 batch(es), 3 hits delivered"), "flushNow's answer: " + outcome);
        assertEquals(Map.of("jmx-1", 2L, "jmx-2", 1L), receiver.take(Receiver.PROMPTLY).hits(),
                "the receiver got the hits that were pending");
        assertEquals(0, JMX.getAttribute(COUNTER, "PendingKeys"), "nothing pending afterwards");
        assertEquals("delivered", JMX.getAttribute(COUNTER, "LastFlushOutcome"), "last flush outcome");
        assertEquals(3L, JMX.getAttribute(COUNTER, "LastFlushHits"), "last flush batch size");
        assertEquals(0, JMX.getAttribute(COUNTER, "PendingBatches"), "no batch waiting");
        assertTrue(((String) JMX.getAttribute(COUNTER, "LastFlushTime")).endsWith("Z"), "an ISO-8601 UTC time");
        assertEquals(true, JMX.getAttribute(COUNTER, "FlushRunning"), "the schedule runs");
    }

    @Test
    void presenceShowsConnectionsPagesAndTheBusiestPages() throws Exception {
        try (LiveClient first = LiveClient.open(server, "page=/jmx-busy");
                LiveClient second = LiveClient.open(server, "page=/jmx-busy");
                LiveClient third = LiveClient.open(server, "page=/jmx-quiet")) {
            third.awaitOnline(1, Receiver.PROMPTLY);
            second.awaitOnline(2, Receiver.PROMPTLY);
            assertEquals(3, JMX.getAttribute(PRESENCE, "Connections"), "three connections");
            assertEquals(3, JMX.getAttribute(PRESENCE, "TotalOnline"), "three members");
            CompositeData[] top = (CompositeData[]) JMX.getAttribute(PRESENCE, "TopPages");
            assertEquals("/jmx-busy", top[0].get("page"), "the busiest page first");
            assertEquals(2, top[0].get("online"), "with its two members");
            assertEquals("/jmx-quiet", top[1].get("page"), "then the other");
        }
        Eventually.await("everyone left", Duration.ofSeconds(10), () -> (int) JMX.getAttribute(PRESENCE, "Connections") == 0);
    }

    @Test
    void undeployRemovesTheBeansAndRedeployingTwiceInARowRegistersThemAgain() throws Exception {
        for (int round = 1; round <= 2; round++) {
            server.undeploy();
            assertFalse(JMX.isRegistered(COUNTER), "round " + round + ": Counter unregistered at undeploy");
            assertFalse(JMX.isRegistered(PRESENCE), "round " + round + ": Presence unregistered at undeploy");
            server.deploy();
            assertTrue(server.deployed(), "round " + round + ": the redeploy succeeded");
            assertTrue(JMX.isRegistered(COUNTER) && JMX.isRegistered(PRESENCE), "round " + round + ": registered again");
        }
        assertEquals(1, JMX.queryNames(new ObjectName(Jmx.DOMAIN + ":type=Counter,*"), null).size(),
                "one Counter bean, not one per deployment");
        Http.get(server.uri("/pixel.gif?key=after-redeploy"));
        JMX.invoke(COUNTER, "flushNow", null, null);
        assertEquals(Map.of("after-redeploy", 1L), receiver.take(Receiver.PROMPTLY).hits(),
                "the new deployment's bean flushes the new deployment's counter");
    }
}
