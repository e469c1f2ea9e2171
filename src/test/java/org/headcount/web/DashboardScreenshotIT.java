package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headcount.testing.Browser;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.Receiver;
import org.headcount.testing.Needs;
import org.junit.jupiter.api.Test;

/**
 * The README's picture of the dashboard, taken in headless Chromium after real traffic: pixel hits flushed to a
 * receiver in waves, people joining pages over WebSocket. Written to target/; with {@code -Dheadcount.docs=true}
 * to docs/dashboard.png as well, so an ordinary test run leaves the work tree clean.
 */
@Needs({"/usr/bin/chromium", "/usr/bin/chromedriver"})
class DashboardScreenshotIT {

    private static final String[] PAGES = {"/", "/articles/policy.html", "/articles/policy.html", "/pages/about.html",
            "/articles/policy.html", "/", "/blog/2026/11/launch", "/articles/policy.html", "/docs/getting-started",
            "/", "/blog/2026/11/launch", "/pricing"};
    private static final String[] KEYS = {"/articles/policy.html", "/", "/pages/about.html", "/blog/2026/11/launch",
            "/docs/getting-started", "/pricing", "/articles/budget.html"};
    /** Hits per flush interval: a made-up morning, so the bars have a shape. */
    private static final int[] WAVES = {14, 22, 31, 27, 40, 52, 38, 45, 61, 49, 57, 66};

    @Test
    void dashboardAfterAQuarterMinuteOfTraffic() throws Exception {
        List<LiveClient> visitors = new ArrayList<>();
        try (Receiver receiver = new Receiver();
                EmbeddedHeadcount server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(),
                        "interval", "2s", "notifyMinDelay", "200ms"));
                Browser browser = Browser.open()) {
            browser.get(server.uri("/dashboard.html"));
            DashboardBrowserIT.awaitLive(browser);
            for (int round = 0; round < WAVES.length; round++) {
                pixels(server, WAVES[round], round);
                receiver.take(Receiver.PROMPTLY); // the flush that carried this wave
                if (round < PAGES.length) {
                    visitors.add(LiveClient.open(server, "page=" + PAGES[round]));
                }
            }
            pixels(server, 9, 3);
            browser.await("hits waiting for the next flush are shown", DashboardBrowserIT.SEEN,
                    "return document.getElementById('pending-hits').textContent !== '0'"
                            + " && document.querySelectorAll('#keys tbody tr').length > 0"
                            + " && document.getElementById('total').textContent === '" + PAGES.length + "';");
            // As tall as the page, so the picture shows all of it; the width, and so the chart, stays as it was.
            long chrome = (Long) browser.script("return window.outerHeight - window.innerHeight;");
            long content = (Long) browser.script("return document.documentElement.scrollHeight;");
            browser.resize(1280, (int) (content + chrome));
            Path shot = Path.of("target", "dashboard.png");
            browser.screenshot(shot);
            assertTrue(Files.size(shot) > 20_000, "a screenshot with something on it: " + Files.size(shot) + " bytes");
            if (Boolean.getBoolean("headcount.docs")) {
                Files.createDirectories(Path.of("docs"));
                Files.copy(shot, Path.of("docs", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (LiveClient visitor : visitors) {
                visitor.close();
            }
        }
    }

    /** {@code n} pixel hits spread over the keys, the first keys getting the most. */
    private static void pixels(EmbeddedHeadcount server, int n, int round) throws Exception {
        for (int i = 0; i < n; i++) {
            String key = KEYS[(i * i + round) % KEYS.length];
            HttpResponse<byte[]> gif = Http.get(server.uri("/pixel.gif?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)));
            assertTrue(gif.statusCode() == 200 && gif.headers().firstValue("X-Headcount-Ignored").isEmpty(),
                    "pixel hit counted for " + key);
        }
    }
}
