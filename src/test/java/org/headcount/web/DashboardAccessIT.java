package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dashboardPublic=false}: whatever lists every page needs the headcount-admin role, through the container's
 * realm; a page's own live count, the pixel, /health and /metrics stay open. And by default all of it is public.
 */
class DashboardAccessIT {

    private static EmbeddedHeadcount privateServer;
    private static EmbeddedHeadcount publicServer;

    @BeforeAll
    static void start() throws Exception {
        privateServer = EmbeddedHeadcount.start(Map.of("dashboardPublic", "false"));
        publicServer = EmbeddedHeadcount.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        privateServer.close();
        publicServer.close();
    }

    @ParameterizedTest(name = "{0} as {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "/dashboard.html | | 401",
            "/dashboard.html | viewer:viewer-secret | 403",
            "/dashboard.html | admin:nope | 401",
            "/dashboard.html | admin:admin-secret | 200",
            "/dashboard/summary | | 401",
            "/dashboard/summary | viewer:viewer-secret | 403",
            "/dashboard/summary | admin:admin-secret | 200",
            "/dashboard/history | | 401",
            "/dashboard/history | viewer:viewer-secret | 403",
            "/dashboard/history | admin:admin-secret | 200",
            "/stats | | 401",
            "/stats | viewer:viewer-secret | 403",
            "/stats | admin:admin-secret | 200",
    })
    void privateDashboardNeedsTheAdminRole(String path, String credentials, int status) throws Exception {
        HttpResponse<String> response = get(privateServer, path, credentials);
        assertEquals(status, response.statusCode(), path + " as " + credentials + ": " + response.body());
        if (status == 401) {
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"),
                    path + ": the container asks for BASIC credentials");
        }
    }

    @ParameterizedTest(name = "watch=all as {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            " | 401",
            "viewer:viewer-secret | 403",
            "admin:nope | 401",
    })
    void privateWatchAllIsRefusedAtTheHandshakeWithoutTheRole(String credentials, int status) {
        IOException refused = assertThrows(IOException.class, () -> RawWebSocket.open(privateServer.port(),
                "/headcount/live?watch=all", 65536, authorization(credentials)).close(), "watch=all as " + credentials);
        assertTrue(refused.getMessage().contains("HTTP/1.1 " + status), "the handshake's answer: " + refused.getMessage());
    }

    @Test
    void privateWatchAllOpensForTheAdmin() throws Exception {
        try (RawWebSocket watcher = RawWebSocket.open(privateServer.port(), "/headcount/live?watch=all", 65536,
                authorization("admin:admin-secret"))) {
            assertTrue(watcher.nextText().startsWith("{\"total\":"), "the admin gets the all-pages frame");
        }
    }

    @ParameterizedTest(name = "{0} stays public")
    @ValueSource(strings = {"/health", "/metrics", "/pixel.gif?key=k", "/badge.svg?page=p", "/", "/dashboard.js",
            "/webjars/chart.js/4.4.1/dist/chart.umd.js"})
    void everythingElseStaysPublicWhenTheDashboardIsPrivate(String path) throws Exception {
        assertEquals(200, get(privateServer, path, null).statusCode(), path + " without credentials");
    }

    @ParameterizedTest(name = "{0} is public by default")
    @ValueSource(strings = {"/dashboard.html", "/dashboard/summary", "/dashboard/history", "/stats"})
    void theDashboardIsPublicByDefault(String path) throws Exception {
        assertEquals(200, get(publicServer, path, null).statusCode(), path + " without credentials");
    }

    @Test
    void aPagesOwnLiveCountStaysPublicAndWatchAllIsPublicByDefault() throws Exception {
        try (RawWebSocket page = RawWebSocket.open(privateServer.port(), "/headcount/live?page=/open", 65536)) {
            assertTrue(page.nextText().contains("\"online\":1"), "a page's own WebSocket needs no credentials");
        }
        try (RawWebSocket watcher = RawWebSocket.open(publicServer.port(), "/headcount/live?watch=all", 65536)) {
            assertTrue(watcher.nextText().startsWith("{\"total\":"), "watch=all is open when the dashboard is public");
        }
    }

    private static HttpResponse<String> get(EmbeddedHeadcount server, String path, String credentials) throws Exception {
        HttpRequest.Builder request = Http.request(server.uri(path)).GET();
        if (credentials != null) {
            String[] userPassword = credentials.split(":");
            request.header("Authorization", Http.basic(userPassword[0], userPassword[1]));
        }
        return Http.send(request.build());
    }

    /** An Authorization header line for {@code user:password}, or none. */
    private static String authorization(String credentials) {
        if (credentials == null) {
            return "";
        }
        String[] userPassword = credentials.split(":");
        return "Authorization: " + Http.basic(userPassword[0], userPassword[1]) + "\r\n";
    }
}
