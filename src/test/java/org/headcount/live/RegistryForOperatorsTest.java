package org.headcount.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.live.LiveMeters.Drop;
import org.headcount.live.PresenceRegistryTest.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the registry tells operators: connections per transport, refusals, the busiest pages, the capped watcher frame. */
class RegistryForOperatorsTest {

    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @AfterEach
    void closeJsonb() throws Exception {
        jsonb.close();
    }

    private PresenceRegistry registry(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("notifyMinDelay", "0"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test", values::get))).load(Path.of("/tmp"));
        return new PresenceRegistry(config, jsonb, clock::get);
    }

    private static Recorder over(Transport transport) {
        Recorder recorder = new Recorder();
        recorder.transport = transport;
        return recorder;
    }

    @Test
    void openConnectionsAreCountedPerTransportWatchersIncluded() throws Exception {
        PresenceRegistry registry = registry();
        PresenceRegistry.Member ws = registry.join("/a", over(Transport.WEBSOCKET));
        registry.join("/a", over(Transport.SSE));
        PresenceRegistry.Member png = registry.join("/b", over(Transport.PNG));
        Recorder watcher = over(Transport.WEBSOCKET);
        registry.watch(watcher);
        LiveMeters meters = registry.meters();
        assertEquals(2, meters.open(Transport.WEBSOCKET), "a member and a watcher over WebSocket");
        assertEquals(1, meters.open(Transport.SSE), "one event stream");
        assertEquals(1, meters.open(Transport.PNG), "one PNG stream");
        assertEquals(registry.connections(), meters.open(Transport.WEBSOCKET) + meters.open(Transport.SSE)
                + meters.open(Transport.PNG), "the transports add up to all connections");

        registry.leave(ws);
        registry.leave(ws);
        registry.leave(png);
        registry.unwatch(watcher);
        assertEquals(0, meters.open(Transport.WEBSOCKET), "leaving twice releases once; unwatch releases the watcher");
        assertEquals(0, meters.open(Transport.PNG), "the PNG stream left");
        assertEquals(1, meters.open(Transport.SSE), "the event stream is still there");
    }

    @Test
    void everyRefusalIsCountedOnce() throws Exception {
        PresenceRegistry registry = registry("maxPages", "1", "maxConnections", "2", "maxPageLength", "8");
        registry.join("/a", new Recorder());
        assertThrows(Refused.class, () -> registry.join("", new Recorder()), "no page");
        assertThrows(Refused.class, () -> registry.join("/123456789", new Recorder()), "page too long");
        assertThrows(Refused.class, () -> registry.join("/b", new Recorder()), "one page too many");
        assertThrows(Refused.class, () -> registry.check("/c"), "check refuses what join would");
        registry.join("/a", new Recorder());
        assertThrows(Refused.class, () -> registry.watch(new Recorder()), "one connection too many");
        assertEquals(5, registry.meters().dropped(Drop.REFUSED), "five refusals, each counted once");
        assertEquals(0, registry.meters().dropped(Drop.TOO_SLOW), "nobody was too slow");
        assertEquals(2, registry.meters().open(Transport.WEBSOCKET), "refused connections hold no place");
    }

    @Test
    void topPagesAndTotalOnline() throws Exception {
        PresenceRegistry registry = registry();
        for (String page : List.of("/b", "/a", "/c", "/a", "/c", "/c")) {
            registry.join(page, new Recorder());
        }
        PresenceRegistry.Member gone = registry.join("/empty", new Recorder());
        registry.leave(gone);
        assertEquals(6, registry.totalOnline(), "members on all pages");
        assertEquals(List.of(new Frames.PageCount("/c", 3), new Frames.PageCount("/a", 2)), registry.topPages(2),
                "the two busiest, most first");
        assertEquals(3, registry.topPages(10).size(), "an empty page is not among the top pages");
    }

    @Test
    void watcherFramesNameTheBusiestPagesUpToTheCapAndCountEveryone() throws Exception {
        PresenceRegistry registry = registry();
        int pages = PresenceRegistry.WATCH_MAX_PAGES + 1;
        for (int i = 0; i < pages; i++) {
            registry.join(String.format("/p%05d", i), new Recorder());
        }
        registry.join("/p00000", new Recorder()); // the busiest page, two members
        Recorder watcher = new Recorder();
        registry.watch(watcher);
        Map<?, ?> frame = jsonb.fromJson(watcher.last(), Map.class);
        Map<?, ?> named = (Map<?, ?>) frame.get("pages");
        assertEquals(pages + 1, ((BigDecimal) frame.get("total")).intValue(), "the total counts every page's members");
        assertEquals(PresenceRegistry.WATCH_MAX_PAGES, named.size(), "no more than WATCH_MAX_PAGES pages named");
        assertEquals(2, ((BigDecimal) named.get("/p00000")).intValue(), "the busiest page is named");
        String last = String.format("/p%05d", pages - 1);
        assertFalse(named.containsKey(last), "among equally busy pages the last by name is left out: " + last);
        assertTrue(named.containsKey(String.format("/p%05d", pages - 2)), "the one before it stays");
    }
}
