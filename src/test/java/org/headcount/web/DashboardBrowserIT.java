package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headcount.testing.Browser;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.LiveClient;
import org.headcount.testing.SseClient;
import org.headcount.testing.Needs;
import org.junit.jupiter.api.Test;

/** dashboard.html in a real headless Chromium against the built WAR: live counts, controls, phone width, restarts. */
@Needs({"/usr/bin/chromium", "/usr/bin/chromedriver"})
class DashboardBrowserIT {

    /** A join seen in the page: notifyMinDelay (200 ms) plus generous slack for a loaded CI machine. */
    static final Duration SEEN = Duration.ofSeconds(10);
    /** headcount.js backs off up to 30 s between attempts while the server is away. */
    private static final Duration RECONNECTED = Duration.ofSeconds(45);
    private static final Map<String, String> QUICK = Map.of("notifyMinDelay", "200ms", "interval", "1h");

    static void awaitRow(Browser browser, String page, int online) {
        browser.await("the dashboard lists " + page + " with " + online + " online", SEEN,
                "var page = arguments[0], online = arguments[1];"
                        + " return Array.prototype.some.call(document.querySelectorAll('#pages tbody tr'),"
                        + " function (r) { return r.dataset.page === page && r.cells[1].textContent === online; });",
                page, Integer.toString(online));
    }

    static void awaitLive(Browser browser) {
        browser.await("the dashboard's live feed is open", SEEN,
                "return document.getElementById('status').dataset.state === 'open';");
    }

    @Test
    void aPagesCountChangesWhenAWebSocketClientJoinsAndLeaves() throws Exception {
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(QUICK); Browser browser = Browser.open()) {
            browser.get(server.uri("/dashboard.html"));
            awaitLive(browser);
            browser.awaitText("#total", "0", SEEN);
            try (LiveClient first = LiveClient.open(server, "page=/articles/policy.html")) {
                awaitRow(browser, "/articles/policy.html", 1);
                try (LiveClient second = LiveClient.open(server, "page=/articles/policy.html")) {
                    awaitRow(browser, "/articles/policy.html", 2);
                    browser.awaitText("#total", "2", SEEN);
                }
                awaitRow(browser, "/articles/policy.html", 1);
                browser.awaitText("#total", "1", SEEN);
            }
            browser.awaitText("#total", "0", SEEN);
        }
    }

    @Test
    void overEventSourceOnlyWithWebSocketRefusedTheDashboardShowsEveryPage() throws Exception {
        Map<String, String> params = new java.util.HashMap<>(QUICK);
        params.put(EmbeddedHeadcount.REFUSE_WEBSOCKET, "true");
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(params); Browser browser = Browser.open();
             SseClient first = SseClient.open(server.uri("/live/events?page=/sse/first"));
             SseClient second = SseClient.open(server.uri("/live/events?page=/sse/second"))) {
            browser.get(server.uri("/dashboard.html"));
            awaitLive(browser);
            assertEquals("eventsource", browser.script("return document.getElementById('status').dataset.transport;"),
                    "the WebSocket was refused, so the feed is an event stream");
            awaitRow(browser, "/sse/first", 1);
            awaitRow(browser, "/sse/second", 1);
            browser.awaitText("#total", "2", SEEN);
            assertEquals(2L, browser.script("return document.querySelectorAll('#pages tbody tr').length;"),
                    "the dashboard watches and is not itself a viewer of its own URL");
        }
    }

    @Test
    void sortedTopFiftyWithMoreAndAFilterReadableAtPhoneWidth() throws Exception {
        List<LiveClient> clients = new ArrayList<>();
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(QUICK); Browser browser = Browser.open()) {
            for (int i = 1; i <= 60; i++) {
                clients.add(LiveClient.open(server, "page=/p" + (i < 10 ? "0" : "") + i));
            }
            clients.add(LiveClient.open(server, "page=/p07"));
            browser.get(server.uri("/dashboard.html"));
            awaitLive(browser);
            browser.awaitText("#total", "61", SEEN);
            assertEquals(50L, browser.script("return document.querySelectorAll('#pages tbody tr').length;"),
                    "the top 50 pages are listed");
            assertEquals("/p07", browser.script("return document.querySelector('#pages tbody tr').dataset.page;"),
                    "the busiest page first");
            assertEquals("/p01", browser.script("return document.querySelectorAll('#pages tbody tr')[1].dataset.page;"),
                    "then by name");
            assertEquals("Show 10 more", browser.text("#more"), "the more control says what it adds");
            browser.find("#more").click();
            assertEquals(60L, browser.script("return document.querySelectorAll('#pages tbody tr').length;"),
                    "more lists the rest");
            browser.find("#filter").sendKeys("/p5");
            assertEquals(List.of("/p50", "/p51", "/p52", "/p53", "/p54", "/p55", "/p56", "/p57", "/p58", "/p59"),
                    browser.script("return Array.prototype.map.call(document.querySelectorAll('#pages tbody tr'),"
                            + " function (r) { return r.dataset.page; });"), "the filter keeps matching pages");

            browser.resize(390, 844);
            browser.await("the page is laid out for the phone's width", SEEN, "return window.innerWidth <= 390;");
            assertTrue((Boolean) browser.script("return document.documentElement.scrollWidth"
                    + " <= document.documentElement.clientWidth;"), "nothing wider than a phone screen: "
                    + browser.script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                    + " window.innerWidth];"));
            browser.script("document.activeElement.blur(); window.scrollTo(0, 0);");
            browser.screenshot(Path.of("target", "dashboard-phone.png"));
        } finally {
            for (LiveClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void reconnectsAfterTheServerRestarts() throws Exception {
        try (EmbeddedHeadcount server = EmbeddedHeadcount.start(QUICK); Browser browser = Browser.open()) {
            browser.get(server.uri("/dashboard.html"));
            awaitLive(browser);
            server.undeploy();
            browser.await("the dashboard notices the server went away", SEEN,
                    "return document.getElementById('status').dataset.state !== 'open';");
            server.deploy();
            try (LiveClient client = LiveClient.open(server, "page=/after-restart")) {
                browser.await("the live feed reconnected", RECONNECTED,
                        "return document.getElementById('status').dataset.state === 'open';");
                awaitRow(browser, "/after-restart", 1);
            }
            browser.await("the summary is polled again after the restart", SEEN,
                    "return document.getElementById('flush-health').textContent.indexOf('retrying') < 0;");
        }
    }
}
