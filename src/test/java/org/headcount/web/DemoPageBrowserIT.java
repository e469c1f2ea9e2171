package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.headcount.testing.Browser;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Eventually;
import org.headcount.testing.Http;
import org.headcount.testing.Scrape;
import org.headcount.testing.Stats;
import org.headcount.testing.Receiver;
import org.headcount.testing.Needs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo page and headcount.js in a real headless Chromium, against the built WAR in embedded Tomcat: what a
 * person sees in two windows, the pixel the page fires, the streamed PNG, and the client's fallback, reconnect
 * and refusal paths.
 */
@Needs({"/usr/bin/chromium", "/usr/bin/chromedriver"})
class DemoPageBrowserIT {

    /** Join or leave → seen in the page: notifyMinDelay (200 ms) plus generous slack for a loaded CI machine. */
    private static final Duration SEEN = Duration.ofSeconds(10);
    private static final Map<String, String> QUICK = Map.of("notifyMinDelay", "200ms", "interval", "1h");
    private static final Jsonb JSONB = JsonbBuilder.create();
    private static Receiver receiver;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new Receiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    /** A server with quick notices; only the test that reads flushes names the receiver, so no other test's final flush reaches it. */
    private static EmbeddedHeadcount serve(Map<String, String> extra) throws Exception {
        Map<String, String> params = new HashMap<>(QUICK);
        params.putAll(extra);
        return EmbeddedHeadcount.start(params);
    }

    /** The page headcount.js joins by default on the demo page: its URL without the fragment. */
    private static String demoPage(EmbeddedHeadcount server) {
        return server.uri("/").toString();
    }

    @Test
    void twoWindowsShowTwoAndOneAfterTheOtherCloses() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of()); Browser first = Browser.open(); Browser second = Browser.open()) {
            first.get(server.uri("/"));
            first.awaitText("#online", "1", SEEN);
            second.get(server.uri("/"));
            second.awaitText("#online", "2", SEEN);
            first.awaitText("#online", "2", SEEN);
            for (Browser browser : List.of(first, second)) {
                assertEquals("websocket", browser.find("#status").getDomAttribute("data-transport"),
                        "Chromium joins over WebSocket, not the fallback: " + browser.describe());
            }
            assertEquals(2, Stats.members(server, demoPage(server)), "the server counts the two windows on the demo page");

            second.close();
            first.awaitText("#online", "1", SEEN);
            assertEquals(1, Stats.members(server, demoPage(server)), "the server counts the window still open");
        }
    }

    @Test
    void twoWindowsOfOneBrowserAreOnePersonAndASecondBrowserMakesTwo() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of()); Browser person = Browser.open(); Browser other = Browser.open()) {
            person.get(server.uri("/"));
            person.awaitText("#online", "1", SEEN);
            String firstWindow = person.newWindow();
            person.get(server.uri("/"));
            person.await("the second window's feed is open", SEEN,
                    "return document.getElementById('status').dataset.state === 'open';");
            person.awaitText("#online", "1", SEEN);
            assertEquals(2, Stats.connections(server, demoPage(server)), "two windows, two connections");
            assertEquals(1, Stats.members(server, demoPage(server)), "one browser, one person");

            other.get(server.uri("/"));
            other.awaitText("#online", "2", SEEN);
            person.awaitText("#online", "2", SEEN);

            person.closeWindow(firstWindow);
            Eventually.await("the server noticed the closed window", SEEN,
                    () -> Scrape.of(server).value("headcount_live_connections{transport=\"websocket\"}") == 2);
            assertEquals(2, Stats.members(server, demoPage(server)), "closing one of two windows keeps the person");
            person.close();
            other.awaitText("#online", "1", SEEN);
            other.close();
            Eventually.await("nobody left once both browsers closed", SEEN, () -> Stats.members(server, demoPage(server)) == 0);
        }
    }

    @Test
    void demoPageFiresThePixelAndShowsTheStreamedImage() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of("endpoint", receiver.uri("/hits").toString()));
                Browser browser = Browser.open()) {
            browser.get(server.uri("/"));
            browser.awaitText("#online", "1", SEEN);
            browser.await("the streamed PNG shows a frame", SEEN,
                    "var img = document.getElementById('stream'); return img.complete && img.naturalWidth > 0;");
            browser.await("the badge for this page shows", SEEN,
                    "var img = document.getElementById('badge'); return !img.hidden && img.complete && img.naturalWidth > 0;");
            assertEquals(demoPage(server), browser.text("#key"), "the pixel key is the page's name, as live() names it");
            assertEquals(1, pixelHits(server, demoPage(server)), "one pixel hit for the page, from the beacon");
            // The image stream is keyed under the origin (referrerpolicy), so the page itself counts one viewer.
            Eventually.await("the PNG stream counted as one viewer of the origin", SEEN,
                    () -> Stats.members(server, "http://127.0.0.1:" + server.port() + "/") == 1);
            assertEquals(1, Stats.members(server, demoPage(server)), "the demo page counts its visitor once, not twice");
            assertTrue(browser.text("pre").contains(server.uri("/headcount.js").toString()),
                    "the embed snippet shows this server's address: " + browser.text("pre"));

            browser.resize(1280, 1800);
            browser.screenshot(Path.of("target", "demo.png"));
            browser.resize(390, 844);
            browser.screenshot(Path.of("target", "demo-phone.png"));
        }
    }

    @Test
    void fallsBackToEventSourceWhereThereIsNoWebSocket() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of()); Browser browser = Browser.open()) {
            browser.get(server.uri("/"));
            browser.awaitText("#online", "1", SEEN);
            browser.script(RECORDER + "window.WebSocket = undefined; record('no-websocket');");
            browser.await("a count of 1 over EventSource", SEEN,
                    "return window.rec.counts.slice(-1)[0] === 1 && window.rec.transports.slice(-1)[0] === 'eventsource';");
            assertFalse((Boolean) browser.script("return window.rec.transports.indexOf('websocket') >= 0;"),
                    "no WebSocket attempt when there is none");
            assertEquals(1, Stats.members(server, "no-websocket"), "the SSE stream is counted on its page");

            browser.script("window.rec.handle.close();");
            // The server notices a closed event stream at its next keep-alive write (every 2 s).
            Eventually.await("the closed stream leaves its page", SEEN, () -> Stats.members(server, "no-websocket") == 0);
            assertEquals("closed", browser.script("return window.rec.states.slice(-1)[0];"), "close() reports closed");
        }
    }

    @Test
    void reconnectsWhenTheServerEndsLongConnections() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of("maxConnDuration", "1s")); Browser browser = Browser.open()) {
            browser.get(server.uri("/"));
            browser.awaitText("#online", "1", SEEN);
            browser.script(RECORDER + "record('reconnect');");
            browser.await("three WebSocket connections in turn, each closed 1001 by maxConnDuration", Duration.ofSeconds(20),
                    "return window.rec.opens >= 3 && window.rec.counts.slice(-1)[0] === 1;");
            assertEquals(List.of(1001L), browser.script("return window.rec.codes.filter(function (c, i, a) {"
                    + " return a.indexOf(c) === i; });"), "the server closes with 1001 and nothing else happens");
            // Polled: between a close and its reconnect the page briefly has nobody; stale members would keep it above 1.
            Eventually.await("one member on the page after reconnects: none left behind", SEEN,
                    () -> Stats.members(server, "reconnect") == 1);
            browser.awaitText("#online", "1", SEEN);
        }
    }

    @Test
    void doesNotRetryAPageTheServerRefuses() throws Exception {
        try (EmbeddedHeadcount server = serve(Map.of("maxPageLength", "64")); Browser browser = Browser.open()) {
            browser.get(server.uri("/"));
            browser.awaitText("#online", "1", SEEN);
            browser.script(RECORDER + "record(new Array(66).join('x'));");
            browser.await("the refusal reported", SEEN, "return window.rec.states.slice(-1)[0] === 'refused';");
            assertEquals(List.of("connecting", "open", "refused"), browser.script("return window.rec.states;"),
                    "refused (1008) ends the handle: no retry is scheduled");
            String reason = (String) browser.script("return window.rec.reason;");
            assertTrue(reason.contains("longer than 64"), "the server's close reason reaches onStatus: " + reason);
        }
    }

    /** Defines record(page): a Headcount.live handle on page whose callbacks are kept in window.rec. */
    private static final String RECORDER = """
            window.record = function (page) {
              var rec = window.rec = {counts: [], states: [], transports: [], codes: [], opens: 0};
              rec.handle = Headcount.live({
                page: page,
                onCount: function (n) { rec.counts.push(n); },
                onStatus: function (state, info) {
                  rec.states.push(state);
                  if (info.transport) { rec.transports.push(info.transport); }
                  if (state === 'open') { rec.opens++; }
                  if (state === 'retrying') { rec.codes.push(info.code); }
                  if (state === 'refused') { rec.reason = info.reason; }
                }
              });
            };
            """;

    /** Flushes until {@code key} has been counted (the beacon may land a moment after the page shows), and answers its hits. */
    private static long pixelHits(EmbeddedHeadcount server, String key) throws Exception {
        long[] hits = {0};
        Eventually.await("a pixel hit for " + key, SEEN, () -> {
            HttpResponse<String> flush = Http.adminFlush(server);
            assertEquals(200, flush.statusCode(), "admin flush: " + flush.body());
            if (!flush.body().contains("\"outcome\":\"empty\"")) {
                hits[0] += receiver.take(Receiver.PROMPTLY).hits().getOrDefault(key, 0L);
            }
            return hits[0] > 0;
        });
        return hits[0];
    }
}
