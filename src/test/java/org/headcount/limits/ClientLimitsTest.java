package org.headcount.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** Each limit at its edge, per address, and afresh every interval. */
class ClientLimitsTest {

    private static ClientLimits limits(String... settings) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test", values::get))).load(Path.of("/tmp"));
        return new ClientLimits(config);
    }

    @Test
    void newKeysPerClientStopAtTheLimitForThatClientOnly() {
        ClientLimits limits = limits("maxNewKeysPerClient", "3");
        for (int i = 0; i < 3; i++) {
            assertTrue(limits.pixel("10.0.0.1", "k" + i), "new key " + i + " within the limit");
        }
        assertFalse(limits.pixel("10.0.0.1", "k3"), "the fourth new key is refused");
        assertTrue(limits.pixel("10.0.0.1", "k0"), "a key it already has still counts");
        assertTrue(limits.pixel("10.0.0.2", "k3"), "another address has its own budget");
        limits.newInterval();
        assertTrue(limits.pixel("10.0.0.1", "k3"), "a new interval, a new budget");
    }

    @Test
    void hitsPerKeyPerClientDefaultToTwicePerSecondOfTheInterval() {
        ClientLimits limits = limits("interval", "30s");
        for (int i = 0; i < 60; i++) {
            assertTrue(limits.pixel("10.0.0.1", "page"), "hit " + i + ": a reload every second is counted");
        }
        assertFalse(limits.pixel("10.0.0.1", "page"), "the 61st hit in 30 s is refused");
        assertEquals(1, limits.limitedTotal(), "one refusal");
    }

    @Test
    void liveConnectionsPerClientAreHeldAndGivenBack() {
        ClientLimits limits = limits("maxLiveConnectionsPerClient", "2");
        assertTrue(limits.openLive("10.0.0.1"), "first");
        assertTrue(limits.openLive("10.0.0.1"), "second");
        assertFalse(limits.openLive("10.0.0.1"), "third refused");
        assertTrue(limits.openLive("10.0.0.2"), "another address joins");
        limits.closeLive("10.0.0.1");
        assertTrue(limits.openLive("10.0.0.1"), "room again once one closed");
    }

    @Test
    void exemptAddressesAreNeverLimited() {
        ClientLimits limits = limits("maxNewKeysPerClient", "1", "maxLiveConnectionsPerClient", "1");
        for (String local : new String[] {"127.0.0.1", "0:0:0:0:0:0:0:1"}) {
            assertTrue(limits.pixel(local, "a") && limits.pixel(local, "b"), local + ": keys beyond the limit");
            assertTrue(limits.openLive(local) && limits.openLive(local), local + ": connections beyond the limit");
        }
        assertTrue(limits.pixel("127.0.0.2", "a"), "another loopback address is a client like any other");
        assertFalse(limits.pixel("127.0.0.2", "b"), "and is limited");
    }

    @Test
    void newLivePagesPerClientStopAtTheLimit() {
        ClientLimits limits = limits("maxNewLivePagesPerClient", "2");
        assertTrue(limits.newLivePage("10.0.0.1"), "first new page");
        assertTrue(limits.newLivePage("10.0.0.1"), "second");
        assertFalse(limits.newLivePage("10.0.0.1"), "third refused");
    }

    @Test
    void keysWithTheSameStringHashAreStillDistinctKeys() {
        ClientLimits limits = limits("maxNewKeysPerClient", "1");
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertTrue(limits.pixel("10.0.0.1", "Aa"), "the one new key");
        assertFalse(limits.pixel("10.0.0.1", "BB"), "another key, whatever its String hash");
    }

    @Test
    void farMoreClientsThanTheTablesHoldNeitherGrowThemNorFreeAnAbuser() {
        ClientLimits limits = limits("interval", "10s", "maxNewKeysPerClient", "5");
        for (int i = 0; i < 20; i++) {
            assertTrue(limits.pixel("10.9.9.9", "/hammered"), "hit " + i + " within the limit");
        }
        assertFalse(limits.pixel("10.9.9.9", "/hammered"), "the 21st hit in 10 s");
        for (int c = 0; c < 4 * ClientLimits.CLIENT_SLOTS; c++) {
            String client = "10." + (c >> 16 & 255) + "." + (c >> 8 & 255) + "." + (c & 255);
            assertTrue(limits.pixel(client, "/page-" + c % 1000), "reader " + c + " is counted");
        }
        assertFalse(limits.pixel("10.9.9.9", "/hammered"), "the abuser's count outlived them all");
        for (int i = 0; i < 5; i++) {
            limits.pixel("10.9.9.8", "/new-" + i);
        }
        assertFalse(limits.pixel("10.9.9.8", "/new-5"), "and a client's new keys stay counted too");
    }
}
