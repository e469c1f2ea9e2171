package org.headcount.testing;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** A real Jakarta WebSocket client (the container's own) on /live that records every frame and the close. */
public final class LiveClient implements AutoCloseable {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final WebSocketContainer CONTAINER = ContainerProvider.getWebSocketContainer();
    /** Watcher frames name every page, so watchers need more than the 8 KB default (allocated per session). */
    private static final int MAX_WATCHER_FRAME_CHARS = 1024 * 1024;
    private static final WebSocketContainer WATCHER_CONTAINER = ContainerProvider.getWebSocketContainer();

    static {
        WATCHER_CONTAINER.setDefaultMaxTextMessageBufferSize(MAX_WATCHER_FRAME_CHARS);
    }

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    private LiveClient(URI uri, Map<String, String> headers, SSLContext tls) throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(Map<String, List<String>> request) {
                headers.forEach((name, value) -> request.put(name, List.of(value)));
            }
        }).sslContext(tls).build();
        WebSocketContainer container = uri.getQuery() != null && uri.getQuery().contains("watch=") ? WATCHER_CONTAINER : CONTAINER;
        session = container.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) frames::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
            }
        }, config, uri);
    }

    /** Opens {@code /headcount/live?query} on {@code server} with extra handshake headers. */
    public static LiveClient open(Deployment server, String query, Map<String, String> headers) throws Exception {
        URI http = server.uri("/live" + (query.isEmpty() ? "" : "?" + query));
        return new LiveClient(URI.create(http.toString().replaceFirst("^http", "ws")), headers, null);
    }

    /** Opens the {@code wss://} URI {@code uri}, trusting the server certificates that {@code tls} trusts. */
    public static LiveClient openSecure(URI uri, SSLContext tls) throws Exception {
        return new LiveClient(uri, Map.of(), tls);
    }

    public static LiveClient open(Deployment server, String query) throws Exception {
        return open(server, query, Map.of());
    }

    /** The next frame, parsed; fails the test if none comes within {@code timeout}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> next(Duration timeout) throws InterruptedException {
        String frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within " + timeout + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return JSONB.fromJson(frame, Map.class);
    }

    /** Reads frames until one says {@code online}; answers how long that took. Fails after {@code timeout}. */
    public Duration awaitOnline(int online, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            String frame = frames.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("never saw online=" + online + " within " + timeout
                        + (closed.isDone() ? "; closed: " + closed.join() : ""));
            }
            Object n = JSONB.fromJson(frame, Map.class).get(frame.contains("\"total\"") ? "total" : "online");
            if (((BigDecimal) n).intValue() == online) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
    }

    /** How the server closed this session; fails if it did not within {@code timeout}. */
    public CloseReason awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the server closed this session within {@code timeout}; waits it out when it did not. */
    public boolean closedWithin(Duration timeout) throws Exception {
        try {
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException stillOpen) {
            return false;
        }
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Sends text, which the server should ignore. */
    public void send(String text) throws Exception {
        session.getBasicRemote().sendText(text);
    }

    @Override
    public void close() throws Exception {
        if (session.isOpen()) {
            session.close();
        }
    }
}
