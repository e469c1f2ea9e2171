package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Distributions;
import org.headcount.testing.Eventually;
import org.headcount.testing.HangingServer;
import org.headcount.testing.Http;
import org.headcount.testing.JettyDistribution;
import org.headcount.testing.Receiver;
import org.headcount.testing.TomcatDistribution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "No hit lost, none counted twice" through the everyday events of running the real distributions with their shipped
 * defaults: a redeploy, a restart, a kill -9, two deployments sharing a setting, and a stop while everything hangs.
 */
class DeliveryIT {

    /** The example admin tomcat-conf and jetty-conf ship. */
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "change-me";
    /** A cold container redeploying or restarting on a busy 2-core machine, then delivering. */
    private static final Duration SOON = Duration.ofSeconds(60);
    /** Headcount's part of a stop is at most 10 s; the rest is the container's own shutdown on a loaded machine. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(13);
    /** Tomcat's own directory for the WAR at /headcount on host localhost, under the default spool root. */
    private static final String TOMCAT_OUTBOX = "headcount-spool/headcount@" + URLEncoder.encode("Catalina/localhost",
            StandardCharsets.UTF_8);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Receiver.Request> received = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        resources.add(resource);
        return resource;
    }

    private static URI uri(DeployedServer server, String context, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + context + pathAndQuery);
    }

    private static void hit(DeployedServer server, String context, String key, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertEquals(200, Http.get(uri(server, context, "/pixel.gif?key=" + key)).statusCode(), "pixel");
        }
    }

    private static String health(DeployedServer server) throws Exception {
        return Http.send(Http.request(server.uri("/health")).GET().build()).body();
    }

    private static void flushNow(DeployedServer server) throws Exception {
        HttpResponse<String> flush = Http.send(Http.request(server.uri("/admin/flush"),
                "Authorization", Http.basic(ADMIN, ADMIN_PASSWORD)).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, flush.statusCode(), "admin flush: " + flush.body());
    }

    /** Waits until a receiver deduping by id has stored exactly {@code expected}, and fails if it stores more. */
    private void awaitStored(Receiver receiver, Map<String, Long> expected) throws Exception {
        Eventually.await("the receiver stored " + expected, SOON, () -> {
            received.addAll(receiver.drain());
            Map<String, Long> stored = Receiver.storedHits(received);
            expected.forEach((key, n) -> assertTrue(stored.getOrDefault(key, 0L) <= n,
                    "a hit counted twice: " + stored + " of " + received.size() + " requests"));
            return stored.equals(expected);
        });
    }

    private static List<Path> batchFiles(Path outbox) throws Exception {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    @Test
    void tomcatRedeployWithTheEndpointDownAndDefaultSettingsLosesNoHit() throws Exception {
        Receiver receiver = closing(new Receiver().down(true));
        DeployedServer server = closing(TomcatDistribution.fromBuild().deploy(
                Map.of("endpoint", receiver.uri("/hits").toString())));
        assertTrue(server.log().contains("spooling in " + server.base().resolve(TOMCAT_OUTBOX)),
                "the start-up line says where it spools, under catalina.base:\n" + server.tail());
        hit(server, "/headcount", "redeployed", 7);

        TomcatDistribution.replaceWar(server); // cp headcount.war webapps/: Tomcat undeploys, deletes work/, deploys
        receiver.down(false);
        flushNow(server);
        awaitStored(receiver, Map.of("redeployed", 7L));
    }

    @Test
    void jettyRestartWithDefaultSettingsLosesNoHit() throws Exception {
        Receiver receiver = closing(new Receiver().down(true));
        DeployedServer server = closing(JettyDistribution.fromBuild().deploy(
                Map.of("endpoint", receiver.uri("/hits").toString())));
        assertTrue(server.log().contains("spooling in " + server.base().resolve("headcount-spool")),
                "the start-up line says where it spools, under jetty.base:\n" + server.tail());
        hit(server, "/headcount", "restarted", 5);

        server.stop(); // SIGTERM: Jetty deletes its per-run temp directory on the way out
        server.restart();
        receiver.down(false);
        flushNow(server);
        awaitStored(receiver, Map.of("restarted", 5L));
    }

    @Test
    void killDashNineAfterTwoFailedIntervalsThenARestartLosesNoHit() throws Exception {
        Receiver receiver = closing(new Receiver().down(true));
        DeployedServer server = closing(TomcatDistribution.fromBuild().deploy(
                Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1s")));
        hit(server, "/headcount", "first", 3);
        Eventually.await("the first interval's batch failed", SOON, () -> health(server).contains("\"pendingBatches\":1"));
        hit(server, "/headcount", "second", 2);
        Eventually.await("the second interval's batch failed", SOON, () -> health(server).contains("\"pendingBatches\":2"));

        server.kill(); // no shutdown hook, no final flush: only what is on disk survives
        receiver.down(false);
        server.restart();
        awaitStored(receiver, Map.of("first", 3L, "second", 2L));
    }

    @Test
    void twoDeploymentsInOneTomcatWithOneSpoolDirEachDeliverTheirOwnHits() throws Exception {
        Path spoolDir = Distributions.freshDirectory("shared-spool");
        Receiver receiver = closing(new Receiver().down(true));
        DeployedServer server = closing(TomcatDistribution.fromBuild().withExtraWars("second").deploy(
                Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1s", "spoolDir", spoolDir.toString())));
        hit(server, "/headcount", "first", 3);
        hit(server, "/second", "second", 4);

        server.stop();
        server.restart(); // both take up their own batches and fail again: the endpoint is still down
        try (Stream<Path> dirs = Files.list(spoolDir)) {
            assertEquals(2, dirs.filter(Files::isDirectory).count(), "a directory per deployment under " + spoolDir);
        }
        receiver.down(false);
        awaitStored(receiver, Map.of("first", 3L, "second", 4L));
    }

    @Test
    void sigtermWhileTheEndpointAndRedisHangSpoolsAndStopsWithinTheBound() throws Exception {
        HangingServer redis = closing(new HangingServer());
        Receiver receiver = closing(new Receiver());
        DeployedServer server = closing(TomcatDistribution.fromBuild().deploy(Map.of("endpoint",
                receiver.uri("/hits").toString(), "redisUrl", redis.redisUrl().toString())));
        hit(server, "/headcount", "last", 3);
        receiver.enqueueHang(); // the final flush's POST

        Duration stopped = server.stop();
        assertTrue(stopped.compareTo(STOP_BOUND) < 0, "stopped within " + STOP_BOUND + ": " + stopped + "\n" + server.tail());
        List<Path> spooled = batchFiles(server.base().resolve(TOMCAT_OUTBOX));
        assertEquals(1, spooled.size(), "the final batch is on disk: " + spooled + "\n" + server.tail());
        assertEquals("{\"last\":3}", Files.readString(spooled.get(0)), "holding the last hits");

        server.restart();
        awaitStored(receiver, Map.of("last", 3L));
    }
}
