package org.headcount.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.live.Subscriber.Closing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry driven by a test clock: no sleeps, every notice decided by the throttle. */
class PresenceRegistryTest {

    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    /** Records what the registry sends it, from any thread. */
    static class Recorder implements Subscriber {
        final List<String> frames = new CopyOnWriteArrayList<>();
        Closing closed;
        Transport transport = Transport.WEBSOCKET;

        @Override
        public Transport transport() {
            return transport;
        }

        @Override
        public void send(Frame frame) {
            frames.add(frame.json());
        }

        @Override
        public void heartbeat() {
        }

        @Override
        public void close(Closing why) {
            closed = why;
        }

        String last() {
            return frames.isEmpty() ? null : frames.get(frames.size() - 1);
        }
    }

    @AfterEach
    void closeJsonb() throws Exception {
        jsonb.close();
    }

    private PresenceRegistry registry(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("notifyMinDelay", "2s", "notifyMaxDelay", "25s",
                "notifyDeltaRatio", "0.1"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test", values::get))).load(Path.of("/tmp"));
        return new PresenceRegistry(config, jsonb, clock::get);
    }

    @Test
    void joinerGetsTheCountAtOnceAndOthersWhenTheThrottleAllows() throws Exception {
        PresenceRegistry registry = registry();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        registry.join("/a", first);
        assertEquals(List.of("{\"page\":\"/a\",\"online\":1}"), first.frames, "the joiner hears at once");
        clock.addAndGet(2_000);
        registry.tick();
        int heardBefore = first.frames.size();

        registry.join("/a", second);
        assertEquals("{\"page\":\"/a\",\"online\":2}", second.last(), "the second joiner hears 2 at once");
        registry.tick();
        assertEquals(heardBefore, first.frames.size(), "no notice before the min delay");
        clock.addAndGet(1_999);
        registry.tick();
        assertEquals(heardBefore, first.frames.size(), "still none 1ms before the min delay");
        clock.addAndGet(1);
        long serializedBefore = registry.serializations();
        registry.tick();
        assertEquals("{\"page\":\"/a\",\"online\":2}", first.last(), "the first member hears 2 at the min delay");
        assertEquals(serializedBefore + 1, registry.serializations(), "one JSON text for all the page's members");
    }

    @Test
    void leaveIsToldAndAPageEmptyForPageCleanDelayIsForgotten() throws Exception {
        PresenceRegistry registry = registry("pageCleanDelay", "60s");
        Recorder stays = new Recorder();
        registry.join("/p", stays);
        PresenceRegistry.Member leaving = registry.join("/p", new Recorder());
        clock.addAndGet(2_000);
        registry.tick();
        assertEquals("{\"page\":\"/p\",\"online\":2}", stays.last(), "both present");

        registry.leave(leaving);
        registry.leave(leaving);
        assertEquals(1, registry.online("/p"), "a second leave changes nothing");
        clock.addAndGet(2_000);
        registry.tick();
        assertEquals("{\"page\":\"/p\",\"online\":1}", stays.last(), "the leave is told");
        assertEquals(1, registry.connections(), "one connection left");
    }

    @Test
    void emptyPagesAreForgottenAfterPageCleanDelay() throws Exception {
        PresenceRegistry registry = registry("pageCleanDelay", "60s");
        registry.leave(registry.join("/gone", new Recorder()));
        clock.addAndGet(59_999);
        registry.tick();
        registry.sweep();
        assertTrue(registry.stats(false).containsKey("/gone"), "kept until pageCleanDelay");
        clock.addAndGet(1);
        registry.tick();
        registry.sweep();
        assertFalse(registry.stats(false).containsKey("/gone"), "forgotten at pageCleanDelay");
        assertEquals(0, registry.pages(), "no pages left");
    }

    @Test
    void statsHaveAudienceMetersShape() throws Exception {
        PresenceRegistry registry = registry();
        long before = System.currentTimeMillis() / 1000;
        registry.leave(registry.join("/s", new Recorder()));
        registry.join("/s", new Recorder());
        Frames.PageStats stats = registry.stats(false).get("/s");
        assertEquals(2, stats.connections(), "connections since created");
        assertEquals(1, stats.members(), "members now");
        assertTrue(stats.created() >= before && stats.created() <= before + 1, "created in unix seconds: " + stats.created());
        assertEquals("{\"/s\":{\"created\":" + stats.created() + ",\"connections\":2,\"members\":1,\"visitors\":1}}",
                jsonb.toJson(registry.stats(false)), "JSON shape, with the visitors added");
    }

    @Test
    void twoTabsOfOneVisitorCountOnceAndClosingOneKeepsThem() throws Exception {
        PresenceRegistry registry = registry("notifyMinDelay", "0", "notifyDeltaRatio", "0");
        String visitor = "0123456789abcdef0123456789abcdef";
        PresenceRegistry.Member tab1 = registry.join("/p", visitor, null, new Recorder());
        PresenceRegistry.Member tab2 = registry.join("/p", visitor, null, new Recorder());
        assertEquals(1, registry.online("/p"), "one visitor in two tabs");
        registry.join("/p", new Recorder());
        assertEquals(2, registry.online("/p"), "plus a connection without an id");
        assertEquals(3, registry.stats(true).get("/p").connections(), "three connections all the same");
        registry.leave(tab1);
        assertEquals(2, registry.online("/p"), "closing one tab keeps the visitor");
        registry.leave(tab2);
        assertEquals(1, registry.online("/p"), "closing both, the visitor is gone");
    }

    @Test
    void countByConnectionsCountsEveryTab() throws Exception {
        PresenceRegistry registry = registry("countBy", "connections");
        String visitor = "0123456789abcdef0123456789abcdef";
        registry.join("/p", visitor, null, new Recorder());
        registry.join("/p", visitor, null, new Recorder());
        assertEquals(2, registry.online("/p"), "two connections");
        assertEquals(1, registry.stats(false).get("/p").visitors(), "/stats still says one visitor");
    }

    @ParameterizedTest(name = "visitor id \"{0}\" is ignored")
    @ValueSource(strings = {"short", "has space in it", "semi;colon-and-more", "ünïcödé-visitor-id",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"})
    void aVisitorIdThatIsNotOneCountsAsAConnectionOfItsOwn(String forged) throws Exception {
        PresenceRegistry registry = registry();
        registry.join("/p", forged, null, new Recorder());
        registry.join("/p", forged, null, new Recorder());
        assertEquals(2, registry.online("/p"), "each connection counts on its own");
    }

    @Test
    void incrementDelayCountsAConnectionOnlyOnceItHasStayed() throws Exception {
        PresenceRegistry registry = registry("incrementDelay", "5s", "notifyMinDelay", "0", "notifyDeltaRatio", "0");
        Recorder stayer = new Recorder();
        registry.join("/p", stayer);
        PresenceRegistry.Member bounce = registry.join("/p", new Recorder());
        assertEquals(0, registry.online("/p"), "nobody counted at once");
        assertEquals("{\"page\":\"/p\",\"online\":0}", stayer.last(), "the joiner hears the count without itself");
        clock.addAndGet(1_000);
        registry.leave(bounce);
        registry.tick();
        assertEquals(0, registry.online("/p"), "a bounce never moved the count");
        clock.addAndGet(4_000);
        registry.tick();
        assertEquals(1, registry.online("/p"), "the stayer counts after 5 s");
        registry.tick();
        assertEquals("{\"page\":\"/p\",\"online\":1}", stayer.last(), "and hears it");
    }

    @Test
    void longConnectionsAreClosedAtMaxConnDuration() throws Exception {
        PresenceRegistry registry = registry("maxConnDuration", "10s");
        Recorder old = new Recorder();
        Recorder watcher = new Recorder();
        Recorder image = new Recorder() {
            @Override
            public boolean expires() {
                return false;
            }
        };
        registry.join("/x", image);
        registry.join("/x", old);
        registry.watch(watcher);
        clock.addAndGet(5_000);
        Recorder young = new Recorder();
        registry.join("/x", young);
        clock.addAndGet(5_000);
        registry.sweep();
        assertEquals(Closing.EXPIRED, old.closed, "10s old: closed");
        assertEquals(Closing.EXPIRED, watcher.closed, "watchers too");
        assertNull(young.closed, "5s old: kept");
        assertNull(image.closed, "a stream that cannot reconnect is never cut off");
    }

    @Test
    void limitsRefuseWithAReason() throws Exception {
        PresenceRegistry registry = registry("maxConnections", "3", "maxPages", "2", "maxPageLength", "8");
        registry.join("12345678", new Recorder());
        Refused tooLong = assertThrows(Refused.class, () -> registry.join("123456789", new Recorder()), "9 > maxPageLength");
        assertEquals("page longer than 8 characters", tooLong.getMessage(), "reason");
        registry.join("b", new Recorder());
        Refused pages = assertThrows(Refused.class, () -> registry.join("c", new Recorder()), "a third page");
        assertTrue(pages.full() && pages.getMessage().contains("maxPages 2"), "reason: " + pages.getMessage());
        registry.join("b", new Recorder());
        Refused connections = assertThrows(Refused.class, () -> registry.join("b", new Recorder()), "a fourth connection");
        assertTrue(connections.full() && connections.getMessage().contains("maxConnections 3"),
                "reason: " + connections.getMessage());
        assertEquals(3, registry.connections(), "refusals hold no connection");
        assertEquals(Refused.class, assertThrows(Refused.class, () -> registry.join("", new Recorder())).getClass(), "empty");
        assertEquals("page required", assertThrows(Refused.class, () -> registry.join(null, new Recorder())).getMessage(),
                "no page");
    }

    @ParameterizedTest
    @ValueSource(strings = {"__proto__", "constructor", "../../etc/passwd", "über 🎉", "<script>alert(1)</script>",
            "\"quoted\"", "a\u0000b"})
    void hostilePageNamesAreCountedUnderExactlyTheirName(String name) throws Exception {
        PresenceRegistry registry = registry();
        Recorder member = new Recorder();
        registry.join(name, member);
        registry.join(name, new Recorder());
        assertEquals(2, registry.online(name), "counted under " + name);
        assertEquals(1, registry.pages(), "one page");
        assertEquals(jsonb.toJson(new Frames.PageCount(name, 1)), member.last(), "escaped in JSON");
        assertEquals(1, jsonb.fromJson(jsonb.toJson(registry.stats(false)), Map.class).size(), "stats parse back to one page");
    }

    @Test
    void watchersSeeEveryPageWithoutBeingCounted() throws Exception {
        PresenceRegistry registry = registry();
        Recorder watcher = new Recorder();
        registry.watch(watcher);
        assertEquals("{\"total\":0,\"pages\":{}}", watcher.last(), "the first frame at once");
        registry.join("/a", new Recorder());
        registry.join("/a", new Recorder());
        registry.join("/b", new Recorder());
        clock.addAndGet(2_000);
        registry.tick();
        assertEquals("{\"total\":3,\"pages\":{\"/a\":2,\"/b\":1}}", watcher.last(), "every page and the total");
        int frames = watcher.frames.size();
        clock.addAndGet(2_000);
        registry.tick();
        assertEquals(frames, watcher.frames.size(), "nothing new, no frame");
    }
}
