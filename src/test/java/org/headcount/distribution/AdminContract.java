package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.headcount.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /admin/flush} behind the container's own realm (tomcat-users.xml, Jetty's HashLoginService), and {@code /health}. */
interface AdminContract extends DeployedWar {

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no credentials | | 401",
            "wrong password | admin:nope | 401",
            "user without the role | viewer:viewer-secret | 403",
            "the shipped example admin | admin:change-me | 200",
    })
    default void adminFlushNeedsTheHeadcountAdminRole(String who, String credentials, int status) throws Exception {
        HttpRequest.Builder request = Http.request(server().uri("/admin/flush")).POST(HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            String[] userPassword = credentials.split(":");
            request.header("Authorization", Http.basic(userPassword[0], userPassword[1]));
        }
        HttpResponse<String> response = Http.send(request.build());
        assertEquals(status, response.statusCode(), who + ": " + response.body());
        if (status == 401) {
            // Tomcat adds ", charset=UTF-8" (RFC 7617), Jetty does not.
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.startsWith("Basic realm=\"Headcount\""),
                    who + ": asks for BASIC credentials of web.xml's realm: " + challenge);
        }
        if (status == 200) {
            assertEquals("application/json", mediaType(response), who + ": a JSON answer");
            assertTrue(response.body().contains("\"outcome\":"), who + ": the flush outcome: " + response.body());
        }
    }

    @Test
    default void healthIsUp() throws Exception {
        HttpResponse<String> health = Http.send(Http.request(server().uri("/health")).GET().build());
        assertEquals(200, health.statusCode(), "health status: " + health.body());
        assertEquals("application/json", mediaType(health), "health is JSON");
        assertTrue(health.body().contains("\"status\":\"UP\""), "UP: " + health.body());
    }

    /** The Content-Type without parameters: containers differ in adding {@code ;charset=}. */
    static String mediaType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    }
}
