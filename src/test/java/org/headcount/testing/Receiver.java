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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * One request as received, with the status the receiver answered or is about to answer; the body is read whole
     * before any scripted answer is given.
     */
    public record Request(String method, URI uri, Map<String, List<String>> headers, String body, int status) {

        public Request(String method, URI uri, Map<String, List<String>> headers, String body) {
            this(method, uri, headers, body, 200);
        }

        /** Whether a receiver answering this status has stored the request: any 2xx, even if sent late or never. */
        public boolean stored() {
            return status >= 200 && status < 300;
        }

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

    /** HANG never answers (503 once the receiver closes); STALL sends the headers of a body it never sends. */
    private enum Mode { ANSWER, HANG, STALL }

    private record Reply(int status, Mode mode, long delayMs) {}

    /** Content-Length announced by a stalled answer, none of which is ever sent. */
    private static final long STALLED_BODY_BYTES = 100;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long defaultDelayMs;
    private volatile boolean down;
    private volatile long maxBodyBytes = Long.MAX_VALUE;

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
        replies.add(new Reply(status, Mode.ANSWER, 0));
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
        replies.add(new Reply(503, Mode.HANG, 0));
        return this;
    }

    /**
     * The next request is read, then answered 200 with a Content-Length of {@value #STALLED_BODY_BYTES} and the
     * headers flushed, but no byte of the body ever follows, until this receiver closes.
     */
    public Receiver enqueueStalledBody() {
        replies.add(new Reply(200, Mode.STALL, 0));
        return this;
    }

    /** The next request is read and recorded at once (stored), but answered 200 only after {@code delayMs}. */
    public Receiver enqueueLateAnswer(long delayMs) {
        replies.add(new Reply(200, Mode.ANSWER, delayMs));
        return this;
    }

    /**
     * From now on a request whose body is over {@code maxBytes} is answered 413 at once and not stored, like nginx's
     * client_max_body_size; it does not use up a scripted answer, which is for the application behind the proxy.
     */
    public Receiver refuseBodiesOver(long maxBytes) {
        maxBodyBytes = maxBytes;
        return this;
    }

    /** While down, every request is answered 503 and not stored: an endpoint in an outage. */
    public Receiver down(boolean isDown) {
        down = isDown;
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

    /**
     * The hits of the batches one admin flush delivered, given its answer: a flush of many keys is several
     * batches, each its own request. Empty when it delivered none.
     */
    public Map<String, Long> takeFlushed(String adminFlushAnswer) throws InterruptedException {
        java.util.regex.Matcher delivered = java.util.regex.Pattern.compile("\"batchesDelivered\":(\\d+)")
                .matcher(adminFlushAnswer);
        int batches = delivered.find() ? Integer.parseInt(delivered.group(1)) : 0;
        List<Request> taken = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            taken.add(take(PROMPTLY));
        }
        return storedHits(taken);
    }

    /** Every request received and not yet taken, without waiting. */
    public List<Request> drain() {
        List<Request> all = new ArrayList<>();
        requests.drainTo(all);
        return all;
    }

    /**
     * What a receiver deduping by Idempotency-Key stored of {@code requests}: the hits of every stored (2xx) request,
     * each batch id counted once, summed per key. A request without a batch id cannot be deduped and always counts.
     */
    public static Map<String, Long> storedHits(List<Request> requests) {
        Set<String> seen = new HashSet<>();
        Map<String, Long> sum = new TreeMap<>();
        for (Request request : requests) {
            if (request.stored() && (request.batchId() == null || seen.add(request.batchId()))) {
                request.hits().forEach((key, n) -> sum.merge(key, n, Long::sum));
            }
        }
        return sum;
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
        Reply reply = down ? new Reply(503, Mode.ANSWER, 0)
                : body.length > maxBodyBytes ? new Reply(413, Mode.ANSWER, 0) : replies.poll();
        if (reply == null) {
            reply = new Reply(200, Mode.ANSWER, defaultDelayMs);
        }
        // Recorded before answering: a late or stalled answer was stored all the same.
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
                Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8), reply.status()));
        if (reply.mode() == Mode.STALL) {
            exchange.sendResponseHeaders(reply.status(), STALLED_BODY_BYTES);
            exchange.getResponseBody().flush();
        }
        try {
            if (reply.mode() != Mode.ANSWER) {
                closing.await();
            } else if (reply.delayMs() > 0) {
                closing.await(reply.delayMs(), TimeUnit.MILLISECONDS); // the scripted slowness
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reply.mode() == Mode.STALL) {
            return; // the body stays unsent: close() stops the server, which drops the connection
        }
        exchange.sendResponseHeaders(reply.status(), -1);
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
