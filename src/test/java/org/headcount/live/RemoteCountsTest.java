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

/** Cluster arithmetic without Redis: a page's count is local members plus what other nodes report. */
class RemoteCountsTest {

    @Test
    void replaceAnswersEveryPageWhoseCountChanged() {
        RemoteCounts remote = RemoteCounts.clustered();
        assertEquals(Set.of("/a", "/b"), remote.replace(Map.of("/a", 1, "/b", 2)), "new pages");
        assertEquals(Set.of("/a", "/c"), remote.replace(Map.of("/b", 2, "/c", 1)), "one gone, one new, one same");
        assertEquals(Set.of(), remote.replace(Map.of("/b", 2, "/c", 1)), "nothing changed");
        assertEquals(2, remote.of("/b"), "count of /b");
        assertEquals(0, remote.of("/a"), "a page no node has");
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

            registry.remoteChanged(remote.replace(Map.of("/p", 4, "/elsewhere", 2)));
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
