package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.headcount.live.PngRenderer;
import org.headcount.testing.Browser;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Deployment;
import org.headcount.testing.EmbeddingSite;
import org.headcount.testing.Eventually;
import org.headcount.testing.FreePort;
import org.headcount.testing.Receiver;
import org.headcount.testing.TomcatDistribution;
import org.headcount.testing.Needs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Headless Chromium against the WAR in the real Tomcat distribution: the demo page in two windows, the streamed PNG
 * as the browser draws it, and the README's embed snippet on other sites, one whose origin allowedOrigins names
 * (http://localhost:A, a different site from 127.0.0.1) and one whose origin it does not (http://127.0.0.1:B).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Needs({"/usr/bin/chromium", "/usr/bin/chromedriver"})
class TomcatBrowserIT implements DeployedWar {

    private static final Duration SEEN = Duration.ofSeconds(10);
    private Receiver receiver;
    private EmbeddingSite allowedSite;
    private EmbeddingSite otherSite;
    private DeployedServer server;

    @BeforeAll
    void start() throws Exception {
        int port = FreePort.next();
        URI base = URI.create("http://127.0.0.1:" + port + "/headcount/");
        receiver = new Receiver();
        allowedSite = new EmbeddingSite(base);
        otherSite = new EmbeddingSite(base);
        String allowedOrigins = "http://127.0.0.1:" + port + ",http://localhost:" + allowedSite.port();
        server = TomcatDistribution.fromBuild().deploy(port, Map.of("endpoint", receiver.uri("/hits").toString(),
                "interval", "1h", "notifyMinDelay", "200ms", "allowedOrigins", allowedOrigins), List.of());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {server, allowedSite, otherSite, receiver}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + closeable + ": " + e);
            }
        }
    }

    @Override
    public Deployment server() {
        return server;
    }

    @Override
    public Receiver receiver() {
        return receiver;
    }

    @Test
    void demoPageShowsTheLiveCountInTwoWindows() throws Exception {
        try (Browser first = Browser.open(); Browser second = Browser.open()) {
            first.get(server.uri("/"));
            first.awaitText("#online", "1", SEEN);
            second.get(server.uri("/"));
            second.awaitText("#online", "2", SEEN);
            first.awaitText("#online", "2", SEEN);
            assertEquals("websocket", first.find("#status").getDomAttribute("data-transport"),
                    "Chromium joins over WebSocket: " + first.describe());
            second.close();
            first.awaitText("#online", "1", SEEN);
        }
    }

    @Test
    void onlinePngIsDrawnShowingTheCount() throws Exception {
        try (Browser browser = Browser.open()) {
            browser.get(server.uri("/"));
            browser.await("the streamed PNG shows a frame", SEEN,
                    "var img = document.getElementById('stream'); return img.complete && img.naturalWidth > 0;");
            // The demo page's <img> sends only its origin as Referer (referrerpolicy), so it is that page's one viewer.
            Eventually.await("/stats shows the image stream as one viewer", SEEN,
                    () -> members("http://127.0.0.1:" + server.port() + "/") == 1);
            browser.await("the drawn image is the PNG for 1 online, pixel for pixel", SEEN, DRAWN_EQUALS,
                    expectedRgba(new PngRenderer().render(1)));
        }
    }

    @Test
    void embedSnippetOnAnAllowedOtherSiteJoinsOverWebSocketAndCountsThePixel() throws Exception {
        flushed();
        URI page = allowedSite.page("localhost");
        try (Browser browser = Browser.open()) {
            browser.get(page);
            browser.awaitText("#online", "1", SEEN);
            assertEquals("websocket", browser.find("#status").getDomAttribute("data-transport"),
                    "the cross-site page joins over WebSocket, its Origin allowed: " + browser.describe());
            assertEquals(1, members(page.toString()), "counted on the embedding page's URL");
            Eventually.await("the snippet's pixel hit for " + page + ", the same name the live count uses", SEEN,
                    () -> flushed().getOrDefault(page.toString(), 0L) == 1L);
        }
    }

    @Test
    void embedSnippetOnASiteOutsideAllowedOriginsIsRefusedLiveConnections() throws Exception {
        URI page = otherSite.page("127.0.0.1");
        try (Browser browser = Browser.open()) {
            browser.get(page);
            // WebSocket is refused at the handshake (403), then the EventSource fallback (403): the client backs off.
            browser.await("both transports refused, the client retrying", SEEN,
                    "return (document.getElementById('status').dataset.states || '').indexOf('retrying/eventsource') >= 0;");
            String states = browser.find("#status").getDomAttribute("data-states");
            assertTrue(!states.contains("open/"), "never open: " + states);
            assertEquals("…", browser.text("#online"), "no count reached the page");
            assertEquals(0, members(page.toString()), "nobody counted for the refused page");
        }
    }

    /** Draws the #stream image into a canvas and compares its RGBA bytes with arguments[0]. */
    private static final String DRAWN_EQUALS = """
            var img = document.getElementById('stream'), expected = arguments[0];
            var canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            var g = canvas.getContext('2d');
            g.drawImage(img, 0, 0);
            var drawn = g.getImageData(0, 0, canvas.width, canvas.height).data;
            if (drawn.length !== expected.length) { return false; }
            for (var i = 0; i < drawn.length; i++) { if (drawn[i] !== expected[i]) { return false; } }
            return true;
            """;

    /** The image's pixels as the RGBA bytes a canvas holds. */
    private static List<Integer> expectedRgba(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        List<Integer> rgba = new ArrayList<>(image.getWidth() * image.getHeight() * 4);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int argb = image.getRGB(x, y);
                rgba.addAll(List.of((argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, (argb >>> 24) & 0xFF));
            }
        }
        return rgba;
    }
}
