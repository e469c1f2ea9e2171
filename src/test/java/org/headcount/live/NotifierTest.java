package org.headcount.live;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.live.Subscriber.Closing;
import org.headcount.testing.Eventually;
import org.junit.jupiter.api.Test;

/** The notifier on its own thread and the real clock: it ticks while a notice is pending, and sleeps otherwise. */
class NotifierTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    /** Records what it is sent, from any thread. */
    private static final class Member implements Subscriber {
        final List<String> frames = new CopyOnWriteArrayList<>();

        @Override
        public Transport transport() {
            return Transport.WEBSOCKET;
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
        }
    }

    @Test
    void sleepsWithNothingToTellAndWakesForAChange() throws Exception {
        Map<String, String> settings = Map.of("notifyMinDelay", "0", "notifyDeltaRatio", "0");
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("test", settings::get))).load(Path.of("/tmp"));
        try (Jsonb jsonb = JsonbBuilder.create()) {
            PresenceRegistry registry = new PresenceRegistry(config, jsonb, () -> System.nanoTime() / 1_000_000);
            try (Notifier notifier = new Notifier(registry)) {
                Eventually.await("no tick asked for while nothing is pending", WITHIN, () -> !notifier.tickAsked());

                Member first = new Member();
                registry.join("/p", first);
                registry.join("/p", new Member());
                Eventually.await("the first member told of the second", WITHIN,
                        () -> first.frames.contains("{\"page\":\"/p\",\"online\":2}"));
                Eventually.await("no tick asked for once everything is told", WITHIN,
                        () -> !notifier.tickAsked() && !registry.noticesPending());

                registry.join("/p", new Member());
                Eventually.await("woken again by the next change", WITHIN,
                        () -> first.frames.contains("{\"page\":\"/p\",\"online\":3}"));
            }
        }
    }
}
