package org.headcount.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Somebody else's web site on 127.0.0.1 and a port of its own: one page, {@link #PATH}, that embeds Headcount with
 * the README's snippet, loading headcount.js from the Headcount server at {@code headcountBase}.
 */
public final class EmbeddingSite implements AutoCloseable {

    public static final String PATH = "/articles/embedded.html";

    private final HttpServer server;
    private final byte[] page;

    /** {@code headcountBase} is where Headcount is deployed, e.g. {@code http://127.0.0.1:8080/headcount/}. */
    public EmbeddingSite(URI headcountBase) throws IOException {
        page = html(headcountBase.resolve("headcount.js")).getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext(PATH, this::serve);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page as a browser on host {@code host} (localhost or 127.0.0.1: two different sites) addresses it. */
    public URI page(String host) {
        return URI.create("http://" + host + ":" + port() + PATH);
    }

    /** The README's snippet, plus an onStatus that shows the state and transport for the test to read. */
    private static String html(URI script) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>An article on another site</title></head>
                <body>
                <p><span id="online">…</span> online on this page</p>
                <p id="status"></p>
                <script src="%s"></script>
                <script>
                  Headcount.live({onCount: n => document.getElementById('online').textContent = n,
                                  onStatus: (state, info) => {
                                    const status = document.getElementById('status');
                                    status.textContent = state;
                                    status.dataset.transport = info.transport || '';
                                    status.dataset.states = (status.dataset.states || '') + state + '/' + (info.transport || '') + ' ';
                                  }});
                  Headcount.hit();   // and count the view, under the same page name
                </script>
                </body></html>
                """.formatted(script);
    }

    private void serve(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        exchange.getResponseBody().write(page);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
