package org.headcount.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JmxTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** A bean with fixed figures: what matters here is registration, not the figures. */
    private static final class Fixed implements PresenceMXBean {
        @Override
        public int getConnections() {
            return 1;
        }

        @Override
        public int getPages() {
            return 1;
        }

        @Override
        public int getTotalOnline() {
            return 1;
        }

        @Override
        public List<TopPage> getTopPages() {
            return List.of(new TopPage("/a", 1));
        }
    }

    private static Jmx deploy(String contextPath) {
        Jmx jmx = new Jmx(contextPath);
        jmx.register("Presence", new Fixed());
        return jmx;
    }

    @ParameterizedTest(name = "context \"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
            "/headcount | org.headcount:type=Counter,context=/headcount",
            "'' | org.headcount:type=Counter,context=/",
            "/a,b | org.headcount:type=Counter,context=\"/a,b\"",
    })
    void namesCarryTheContextPathQuotedOnlyWhenNeeded(String contextPath, String expected) {
        assertEquals(expected, Jmx.name("Counter", contextPath).toString(), "ObjectName for " + contextPath);
    }

    @Test
    void closingUnregistersSoTheNextDeploymentCanRegisterAgain() throws Exception {
        ObjectName presence = Jmx.name("Presence", "/jmx-test");
        Jmx first = deploy("/jmx-test");
        assertTrue(server.isRegistered(presence), "registered while deployed");
        assertEquals(1, server.getAttribute(presence, "Connections"), "the attribute is read through JMX");
        try (Jmx sameNameTwice = deploy("/jmx-test")) {
            assertTrue(server.isRegistered(presence), "a second deployment at the same path runs without the bean");
        }
        assertTrue(server.isRegistered(presence), "closing the second one leaves the first one's bean alone");
        first.close();
        first.close();
        assertFalse(server.isRegistered(presence), "unregistered at undeploy; closing twice is harmless");
        try (Jmx again = deploy("/jmx-test")) {
            assertTrue(server.isRegistered(presence), "a redeploy registers the name again");
        }
    }
}
