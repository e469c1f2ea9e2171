package org.headcount.live;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.live.PresenceRegistryTest.Recorder;
import org.headcount.testing.Eventually;
import org.junit.jupiter.api.Test;

/** The notifier on its own thread and the real clock: it ticks while a notice is pending, and sleeps otherwise. */
class NotifierTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    @Test
    void sleepsWithNothingToTellAndWakesForAChange() throws Exception {
        Map<String, String> settings = Map.of("notifyMinDelay", "0", "notifyDeltaRatio", "0");
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test", settings::get))).load(Path.of("/tmp"));
        try (Jsonb jsonb = JsonbBuilder.create()) {
            PresenceRegistry registry = new PresenceRegistry(config, jsonb, () -> System.nanoTime() / 1_000_000);
            try (Notifier notifier = new Notifier(registry)) {
                Eventually.await("no tick asked for while nothing is pending", WITHIN, () -> !notifier.tickAsked());

                Recorder first = new Recorder();
                registry.join("/p", first);
                registry.join("/p", new Recorder());
                Eventually.await("the first member told of the second", WITHIN,
                        () -> first.frames.contains("{\"page\":\"/p\",\"online\":2}"));
                Eventually.await("no tick asked for once everything is told", WITHIN,
                        () -> !notifier.tickAsked() && !registry.noticesPending());

                registry.join("/p", new Recorder());
                Eventually.await("woken again by the next change", WITHIN,
                        () -> first.frames.contains("{\"page\":\"/p\",\"online\":3}"));
            }
        }
    }
}
