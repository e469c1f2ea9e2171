package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import org.headcount.testing.Http;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What the container serves from the WAR besides the servlets: the demo page and the client, and /metrics once there is one. */
interface ServedContract extends DeployedWar {

    @Test
    default void contextRootServesTheDemoPageAndTheEmbeddableClient() throws Exception {
        URI root = server().uri("");
        HttpResponse<String> bare = Http.send(Http.request(root).GET().build());
        // Tomcat answers 302, Jetty 301.
        assertTrue(bare.statusCode() == 301 || bare.statusCode() == 302, "/headcount redirects to /headcount/: " + bare.statusCode());
        assertTrue(bare.headers().firstValue("Location").orElse("").endsWith("/headcount/"),
                "to the context root: " + bare.headers().firstValue("Location"));
        HttpResponse<String> page = Http.send(Http.request(server().uri("/")).GET().build());
        assertEquals(200, page.statusCode(), "the demo page, the welcome file");
        assertEquals("text/html", AdminContract.mediaType(page), "HTML");
        assertTrue(page.body().contains("<script src=\"headcount.js\"></script>"), "the page loads the client");
        HttpResponse<String> client = Http.send(Http.request(server().uri("/headcount.js")).GET().build());
        assertEquals(200, client.statusCode(), "headcount.js");
        assertTrue(AdminContract.mediaType(client).endsWith("/javascript"), "served as JavaScript: " + AdminContract.mediaType(client));
        assertTrue(client.body().contains("'use strict'"), "the client itself");
    }

    @Test
    default void metricsAreInPrometheusTextFormatWhereTheBuildHasThem() throws Exception {
        HttpResponse<String> metrics = Http.send(Http.request(server().uri("/metrics")).GET().build());
        Assumptions.assumeFalse(metrics.statusCode() == 404, "this build has no /metrics yet");
        assertEquals(200, metrics.statusCode(), "/metrics status");
        String type = AdminContract.mediaType(metrics);
        assertTrue(type.equals("text/plain") || type.equals("application/openmetrics-text"), "a Prometheus format: " + type);
        assertTrue(metrics.body().contains("# TYPE "), "metric families with their types: " + metrics.body());
    }
}
