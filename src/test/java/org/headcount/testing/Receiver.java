package org.headcount.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A recording flush endpoint on 127.0.0.1 and port 0, MockWebServer-style: enqueue how it answers,
 * run the code, then {@link #take} what really came over the wire. Unscripted requests get 200.
 */
public final class Receiver implements AutoCloseable {

    private static final Jsonb JSONB = JsonbBuilder.create();

    /** One request as received; the body is read whole before any scripted answer is given. */
    public record Request(String method, URI uri, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }

        /** The form fields, in the order sent. */
        public Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return form;
        }

        /** The {@code json=} field as key → hits. */
        @SuppressWarnings("unchecked")
        public Map<String, Long> hits() {
            Map<String, Object> json = JSONB.fromJson(form().get("json"), Map.class);
            Map<String, Long> hits = new TreeMap<>();
            json.forEach((key, n) -> hits.put(key, ((BigDecimal) n).longValueExact()));
            return hits;
        }

        public String batchId() {
            return header("Idempotency-Key");
        }
    }

    private record Reply(int status, boolean hang, long delayMs) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long defaultDelayMs;

    public Receiver() throws IOException {
        this(0, null);
    }

    /** A receiver on a given port, e.g. one that refused connections until now. */
    public Receiver(int port) throws IOException {
        this(port, null);
    }

    /** With {@code tls}, an HTTPS receiver presenting the certificate of {@code tls}'s key manager. */
    public Receiver(SSLContext tls) throws IOException {
        this(0, tls);
    }

    private Receiver(int port, SSLContext tls) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if (tls == null) {
            server = HttpServer.create(loopback, 50);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri(String pathAndQuery) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    /** The next unscripted request gets {@code status}. */
    public Receiver enqueue(int status) {
        replies.add(new Reply(status, false, 0));
        return this;
    }

    /** Unscripted requests are answered 200 only after {@code delayMs}: a slow but working endpoint. */
    public Receiver answerSlowly(long delayMs) {
        defaultDelayMs = delayMs;
        return this;
    }

    /** The most requests this receiver was ever handling at once. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request is read and then never answered, until this receiver closes. */
    public Receiver enqueueHang() {
        replies.add(new Reply(0, true, 0));
        return this;
    }

    /** The next request received, waiting at most {@code timeout}; fails the test if none comes. */
    public Request take(Duration timeout) throws InterruptedException {
        Request request = requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("the receiver got no request within " + timeout);
        }
        return request;
    }

    /** The next request if one is already here or comes within {@code timeout}, else null. */
    public Request poll(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            answer(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
                Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
        Reply reply = replies.poll();
        if (reply == null) {
            reply = new Reply(200, false, defaultDelayMs);
        }
        if (reply.hang() || reply.delayMs() > 0) {
            try {
                if (reply.hang()) {
                    closing.await();
                } else {
                    closing.await(reply.delayMs(), TimeUnit.MILLISECONDS); // the scripted slowness
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exchange.sendResponseHeaders(reply.hang() ? 503 : reply.status(), -1);
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** How long tests wait for something that should happen at once. */
    public static final Duration PROMPTLY = Duration.ofSeconds(10);
}
