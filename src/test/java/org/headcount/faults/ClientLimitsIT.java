package org.headcount.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.LoopbackClient;
import org.headcount.testing.RawWebSocket;
import org.headcount.testing.Receiver;
import org.headcount.testing.Scrape;
import org.junit.jupiter.api.Test;

/**
 * One client, told apart by its loopback address (127.0.0.2 the attacker, 127.0.0.3 the readers), can neither blind
 * the counter nor inflate a count, and never keeps anyone else from joining.
 */
class ClientLimitsIT {

    private static final String ATTACKER = "127.0.0.2";
    private static final String READER = "127.0.0.3";

    private static List<String> pixels(String prefix, int from, int to) {
        List<String> paths = new ArrayList<>();
        for (int i = from; i < to; i++) {
            paths.add("/headcount/pixel.gif?key=" + prefix + i);
        }
        return paths;
    }

    @Test
    void twoHundredThousandRandomKeysFromOneAddressLoseNoRealReadersHit() throws Exception {
        try (Receiver receiver = new Receiver();
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1h"));
             LoopbackClient reader = LoopbackClient.connect(READER, server.port())) {
            // Last interval's keys: established.
            reader.get(pixels("established-", 0, 50));
            receiver.takeFlushed(Http.adminFlush(server).body());

            CompletableFuture<List<String>> flood = CompletableFuture.supplyAsync(() -> {
                try (LoopbackClient attacker = LoopbackClient.connect(ATTACKER, server.port())) {
                    List<String> random = new ArrayList<>();
                    for (int i = 0; i < 200_000; i++) {
                        random.add("/headcount/pixel.gif?key=" + UUID.randomUUID());
                    }
                    return attacker.get(random);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, Long> sent = new HashMap<>();
            // At most 40 rounds: 800 new keys, within the readers' own maxNewKeysPerClient.
            for (int rounds = 0; rounds < 40 && (rounds < 3 || !flood.isDone()); rounds++) {
                List<String> paths = new ArrayList<>(pixels("established-", 0, 50));
                paths.addAll(pixels("new-" + rounds + "-", 0, 20));
                List<String> answers = reader.get(paths);
                assertEquals(Collections.nCopies(paths.size(), null), answers, "every reader hit counted, round " + rounds);
                paths.forEach(p -> sent.merge(p.substring(p.indexOf("key=") + 4), 1L, Long::sum));
            }
            List<String> attacked = flood.get(5, TimeUnit.MINUTES);
            long limited = attacked.stream().filter("rate-limited"::equals).count();
            assertEquals(200_000 - 1_000, limited, "the attacker's keys past maxNewKeysPerClient are rate-limited");

            Map<String, Long> delivered = receiver.takeFlushed(Http.adminFlush(server).body());
            sent.forEach((key, n) -> assertEquals(n, delivered.get(key), "every real hit on " + key + " delivered"));
            assertEquals(sent.size() + 1_000, delivered.size(), "the readers' keys and the attacker's first thousand");
        }
    }

    @Test
    void tenThousandHitsOnOneKeyFromOneAddressAreCappedAtTheLimit() throws Exception {
        try (Receiver receiver = new Receiver();
             EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                     "interval", "1h"));
             LoopbackClient attacker = LoopbackClient.connect(ATTACKER, server.port());
             LoopbackClient reader = LoopbackClient.connect(READER, server.port())) {
            List<String> answers = attacker.get(Collections.nCopies(10_000, "/headcount/pixel.gif?key=inflated"));
            int cap = 2 * 3600; // the default: twice the interval in seconds, so a reload every second still counts
            assertEquals(Collections.nCopies(cap, null), answers.subList(0, cap), "counted up to the limit");
            assertEquals(Collections.nCopies(10_000 - cap, "rate-limited"), answers.subList(cap, 10_000), "then refused");
            assertEquals(Collections.nCopies(3, null), reader.get(Collections.nCopies(3, "/headcount/pixel.gif?key=inflated")),
                    "another address still counts on the same key");
            assertEquals(Map.of("inflated", (long) cap + 3), receiver.takeFlushed(Http.adminFlush(server).body()), "delivered");
            assertEquals(10_000 - cap, Scrape.of(server).value("headcount_hits_ignored_total{reason=\"rate-limited\"}"),
                    "the metric says why");
        }
    }

    @Test
    void liveConnectionsPerAddressAreCappedAndOthersStillJoin() throws Exception {
        List<RawWebSocket> sockets = new ArrayList<>();
        InetAddress attacker = InetAddress.getByName(ATTACKER);
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("maxLiveConnectionsPerClient", "5"))) {
            for (int i = 0; i < 5; i++) {
                RawWebSocket socket = RawWebSocket.open(attacker, server.port(), "/headcount/live?page=/hogged", 8192, "");
                sockets.add(socket);
                socket.nextText();
            }
            for (String page : List.of("/hogged", "/other")) {
                try (RawWebSocket over = RawWebSocket.open(attacker, server.port(), "/headcount/live?page=" + page, 8192, "")) {
                    RawWebSocket.Close close = over.refusal();
                    assertEquals(1013, close.code(), "a sixth from one address is refused, whatever the page: try again later");
                    assertTrue(close.reason().contains("maxLiveConnectionsPerClient"), "and says why: " + close.reason());
                }
            }
            try (RawWebSocket reader = RawWebSocket.open(InetAddress.getByName(READER), server.port(),
                    "/headcount/live?page=/hogged", 8192, "")) {
                assertEquals("{\"page\":\"/hogged\",\"online\":6}", reader.nextText(), "another address joins");
            }
            assertEquals(2, Scrape.of(server).value("headcount_live_dropped_total{reason=\"rate-limited\"}"),
                    "the refusals are counted as rate-limited drops");
        } finally {
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
