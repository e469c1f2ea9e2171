package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /admin/flush} behind the container's realm, and {@code /health} following the flush outcomes. */
class AdminAndHealthIT {

    private static Receiver receiver;
    private static EmbeddedHeadcount server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        receiver.close();
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no credentials | | 401",
            "wrong password | admin:nope | 401",
            "user without the role | viewer:viewer-secret | 403",
            "headcount-admin | admin:admin-secret | 200",
    })
    void adminFlushNeedsTheHeadcountAdminRole(String who, String credentials, int status) throws Exception {
        HttpRequest.Builder request = Http.request(server.uri("/admin/flush")).POST(HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            String[] userPassword = credentials.split(":");
            request.header("Authorization", Http.basic(userPassword[0], userPassword[1]));
        }
        HttpResponse<String> response = Http.send(request.build());
        assertEquals(status, response.statusCode(), who);
        if (status == 401) {
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"),
                    who + ": asks for BASIC credentials");
        }
    }

    @Test
    void adminFlushDeliversNowAndAnswersTheOutcome() throws Exception {
        Http.get(server.uri("/pixel.gif?key=forced"));
        HttpResponse<String> response = Http.adminFlush(server);
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0],
                "JSON answer");
        assertTrue(response.body().contains("\"outcome\":\"delivered\"") && response.body().contains("\"hitsDelivered\":1"),
                "outcome: " + response.body());
        assertEquals(Map.of("forced", 1L), receiver.take(Receiver.PROMPTLY).hits(), "the receiver got it at once");
    }

    @Test
    void healthIsDownAfterThreeFailedFlushesAndUpAgainAfterADelivery() throws Exception {
        for (int i = 0; i < HealthServlet.FAILED_FLUSHES_FOR_DOWN; i++) {
            assertEquals(200, health().statusCode(), "UP before failure " + (i + 1));
            receiver.enqueue(500);
            Http.get(server.uri("/pixel.gif?key=h"));
            Http.adminFlush(server);
            receiver.take(Receiver.PROMPTLY);
        }
        HttpResponse<String> down = health();
        assertEquals(503, down.statusCode(), "DOWN after three failed flushes: " + down.body());
        assertTrue(down.body().contains("\"status\":\"DOWN\"") && down.body().contains("\"pendingBatches\":3"),
                "health body: " + down.body());

        Http.adminFlush(server);
        for (int batch = 0; batch < HealthServlet.FAILED_FLUSHES_FOR_DOWN; batch++) {
            assertEquals(Map.of("h", 1L), receiver.take(Receiver.PROMPTLY).hits(), "kept batch " + batch);
        }
        HttpResponse<String> up = health();
        assertEquals(200, up.statusCode(), "UP once the batch is delivered: " + up.body());
        assertTrue(up.body().contains("\"status\":\"UP\"") && up.body().contains("\"pendingBatches\":0"),
                "health body: " + up.body());
    }

    private static HttpResponse<String> health() throws Exception {
        return Http.send(Http.request(server.uri("/health")).GET().build());
    }
}
