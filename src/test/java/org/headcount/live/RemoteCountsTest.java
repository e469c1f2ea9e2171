package org.headcount.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** Cluster arithmetic without Redis: a page's count spans local members and what other nodes report. */
class RemoteCountsTest {

    /** {@code n} connections without a visitor id. */
    private static Presence anonymous(int n) {
        return new Presence(n, n, Set.of());
    }

    @Test
    void replaceAnswersEveryPageWhoseCountChanged() {
        RemoteCounts remote = RemoteCounts.clustered();
        assertEquals(Set.of("/a", "/b"), remote.replace("n1", Map.of("/a", anonymous(1), "/b", anonymous(2))), "new pages");
        assertEquals(Set.of("/a", "/c"), remote.replace("n1", Map.of("/b", anonymous(2), "/c", anonymous(1))),
                "one gone, one new, one same");
        assertEquals(Set.of(), remote.replace("n1", Map.of("/b", anonymous(2), "/c", anonymous(1))), "nothing changed");
        assertEquals(2, remote.of("/b").count(true), "count of /b");
        assertEquals(0, remote.of("/a").count(true), "a page no node has");
    }

    @Test
    void aVisitorOnTwoNodesIsOneAndANodeThatGoesTakesOnlyItsOwn() {
        RemoteCounts remote = RemoteCounts.clustered();
        remote.update("n1", Map.of("/p", new Presence(2, 1, Set.of("visitor-aaaa"))));
        remote.update("n2", Map.of("/p", new Presence(3, 0, Set.of("visitor-aaaa", "visitor-bbbb"))));
        assertEquals(3, remote.of("/p").count(true), "visitors aaaa and bbbb, and one connection without an id");
        assertEquals(5, remote.of("/p").count(false), "five connections");
        assertEquals(Set.of("/p"), remote.remove("n2"), "n2 gone");
        assertEquals(2, remote.of("/p").count(true), "n1's own: aaaa and the anonymous one");
        remote.update("n1", Map.of("/p", Presence.NOBODY));
        assertEquals(Map.of(), remote.all(), "nobody left anywhere");
    }

    @Test
    void presenceSurvivesItsRedisEncoding() {
        Presence presence = new Presence(4, 1, Set.of("0123456789abcdef", "fedcba9876543210"));
        assertEquals(presence, Presence.decode(presence.encode()), "ids and counts");
        assertEquals(anonymous(3), Presence.decode(anonymous(3).encode()), "counts alone");
    }

    @Test
    void membersHearTheClusterWideCountUnderTheSameThrottle() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test",
                Map.of("notifyMinDelay", "2s", "notifyDeltaRatio", "0")::get))).load(Path.of("/tmp"));
        RemoteCounts remote = RemoteCounts.clustered();
        try (Jsonb jsonb = JsonbBuilder.create()) {
            PresenceRegistry registry = new PresenceRegistry(config, jsonb, clock::get, remote);
            PresenceRegistryTest.Recorder member = new PresenceRegistryTest.Recorder();
            registry.join("/p", member);
            assertEquals(Set.of("/p"), registry.takeLocalChanges(), "the join is published to the cluster");
            assertEquals(Set.of(), registry.takeLocalChanges(), "once");

            registry.remoteChanged(remote.replace("n2", Map.of("/p", anonymous(4), "/elsewhere", anonymous(2))));
            assertEquals(5, registry.online("/p"), "local 1 + remote 4");
            registry.tick();
            assertEquals("{\"page\":\"/p\",\"online\":1}", member.last(), "the min delay holds for remote changes too");
            clock.addAndGet(2_000);
            registry.tick();
            assertEquals("{\"page\":\"/p\",\"online\":5}", member.last(), "then the cluster-wide count");
            assertEquals(2, registry.stats(false).get("/elsewhere").members(), "/stats lists pages only others have");
            assertEquals(1, registry.stats(true).get("/p").members(), "node=local: this node's own");
            assertEquals(false, registry.stats(true).containsKey("/elsewhere"), "node=local: no remote pages");
        }
    }
}
