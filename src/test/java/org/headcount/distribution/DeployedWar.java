package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.headcount.testing.Deployment;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;

/**
 * What the black-box contracts run against: the WAR deployed in a real container, configured with {@link #settings},
 * and the receiver its flushes go to; plus the few calls every contract makes.
 */
interface DeployedWar {

    /** The example admin that tomcat-conf/tomcat-users.xml and jetty-conf/etc/headcount-realm.properties ship. */
    String ADMIN = "admin";
    String ADMIN_PASSWORD = "change-me";
    /** A user the tests add to the realm, without the role headcount-admin. */
    String VIEWER = "viewer";
    String VIEWER_PASSWORD = "viewer-secret";
    String SECRET = "s3cret & more";
    String ALLOWED_ORIGIN = "https://good.example";
    /** notifyMinDelay is 200 ms here: the rest is slack for a loaded 2-core machine. */
    Duration SOON = Duration.ofSeconds(10);
    Jsonb JSONB = JsonbBuilder.create();

    /** The Headcount settings the contracts expect, passed to the container as system properties. */
    static Map<String, String> settings(Receiver receiver) {
        return Map.of("endpoint", receiver.uri("/hits?site=headcount-test").toString(), "secret", SECRET,
                "interval", "1h", "notifyMinDelay", "200ms", "notifyDeltaRatio", "0", "allowedOrigins", ALLOWED_ORIGIN);
    }

    Deployment server();

    Receiver receiver();

    default HttpResponse<String> adminFlush() throws Exception {
        return Http.send(Http.request(server().uri("/admin/flush"), "Authorization", Http.basic(ADMIN, ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Flushes now and answers what the receiver got, or null when nothing was counted (no request is sent then). */
    default Receiver.Request flush() throws Exception {
        // The admin flush answers after the delivery, so whatever the receiver holds now is from before: drop it.
        while (receiver().poll(Duration.ZERO) != null) {
            continue;
        }
        HttpResponse<String> flush = adminFlush();
        assertEquals(200, flush.statusCode(), "admin flush: " + flush.body());
        return flush.body().contains("\"outcome\":\"empty\"") ? null : receiver().take(SOON);
    }

    /** Flushes now and answers the hits delivered: empty when nothing was counted. */
    default Map<String, Long> flushed() throws Exception {
        Receiver.Request request = flush();
        return request == null ? Map.of() : request.hits();
    }

    /** The members {@code /stats} shows on {@code page} now; 0 for a page it does not list. */
    @SuppressWarnings("unchecked")
    default int members(String page) throws Exception {
        HttpResponse<String> stats = Http.send(Http.request(server().uri("/stats")).GET().build());
        assertEquals(200, stats.statusCode(), "/stats status");
        Map<String, Map<String, BigDecimal>> pages = JSONB.fromJson(stats.body(), Map.class);
        Map<String, BigDecimal> entry = pages.get(page);
        return entry == null ? 0 : entry.get("members").intValueExact();
    }
}
