package org.headcount.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.headcount.testing.EmbeddedHeadcount;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests no browser sends; the server answers each clearly, keeps serving, and counts exactly what it should. */
class HostileInputIT {

    private static Receiver receiver;
    private static EmbeddedHeadcount server;
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger SERVER_ERRORS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        server = EmbeddedHeadcount.start(Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h",
                "maxKeys", "50000"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        receiver.close();
        System.out.printf("hostile inputs tried: %d, server failures (500 or no answer): %d%n", TRIED.get(), SERVER_ERRORS.get());
        assertEquals(0, SERVER_ERRORS.get(), "no hostile input made the server fail");
    }

    /** Sends a raw request and answers its status line; counts it as tried, and a 500 or silence as a failure. */
    private static String raw(String request) throws Exception {
        TRIED.incrementAndGet();
        String head = Http.raw(server.port(), request);
        if (!head.startsWith("HTTP/1.1 ") || head.startsWith("HTTP/1.1 500")) {
            SERVER_ERRORS.incrementAndGet();
        }
        assertStillServing();
        return head.split("\r\n")[0];
    }

    private static void assertStillServing() throws Exception {
        assertEquals(200, Http.get(server.uri("/health")).statusCode(), "the server still serves");
    }

    private static Map<String, Long> flushed() throws Exception {
        return receiver.takeFlushed(Http.adminFlush(server).body());
    }

    @Test
    void sixtyFourKilobyteKeyIsRefusedWithoutHarm() throws Exception {
        flushed();
        String key = "k".repeat(64 * 1024);
        String status = raw("GET /headcount/pixel.gif?key=" + key + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(status.matches("HTTP/1.1 (400|414).*"), "the container refuses a 64 KB request line: " + status);
        TRIED.incrementAndGet();
        HttpResponse<byte[]> posted = Http.CLIENT.send(Http.request(server.uri("/pixel.gif"),
                "Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("key=" + key))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, posted.statusCode(), "a 64 KB key in a beacon body still gets the GIF");
        assertEquals("key-too-long", posted.headers().firstValue("X-Headcount-Ignored").orElse(null), "and says why");
        assertEquals(Map.of(), flushed(), "nothing counted");
    }

    @Test
    void requestLineOf16KilobytesIsRefusedByTheContainer() throws Exception {
        String status = raw("GET /headcount/pixel.gif?key=k&pad=" + "p".repeat(16 * 1024)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(status.matches("HTTP/1.1 (400|414).*"), "16 KB request line: " + status);
    }

    @Test
    void http10RequestWithoutHostGetsTheGifAndCounts() throws Exception {
        flushed();
        String status = raw("GET /headcount/pixel.gif?key=old-client HTTP/1.0\r\n\r\n");
        assertTrue(status.startsWith("HTTP/1.1 200"), "HTTP/1.0 without Host: " + status);
        assertEquals(Map.of("old-client", 1L), flushed(), "counted");
    }

    @Test
    void garbageRequestsGetClientErrors() throws Exception {
        String close = "Host: x\r\nConnection: close\r\n\r\n";
        for (String request : new String[] {
                "GARBAGE\r\n\r\n", "NOT-A-METHOD /headcount/pixel.gif HTTP/1.1\r\n" + close,
                "GET /headcount/pixel.gif?key=a HTTP/9.9\r\n" + close,
                "GET /headcount/pixel.gif?key=a HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
                "GET /headcount/pixel.gif?key=a HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n",
                "GET /headcount/pixel.gif?key=a\u0000b HTTP/1.1\r\n" + close,
                "GET /headcount/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /headcount/pixel.gif?key=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /headcount/live?page=__proto__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /headcount/stats?node=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
            String status = raw(request);
            assertTrue(status.matches("HTTP/1.1 ([1-4]\\d\\d|501|505).*"), "a clear answer to " + request.trim() + ": " + status);
        }
    }

    @Test
    void hundredThousandDistinctKeysAreBoundedByMaxKeys() throws Exception {
        flushed();
        int connections = 4;
        int perConnection = 25_000;
        long start = System.nanoTime();
        List<Future<int[]>> floods = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            int first = c * perConnection;
            floods.add(pool.submit(() -> pipeline(first, perConnection)));
        }
        int counted = 0;
        int refused = 0;
        for (Future<int[]> flood : floods) {
            int[] answers = flood.get(3, TimeUnit.MINUTES);
            counted += answers[0] - answers[1];
            refused += answers[1];
        }
        pool.shutdown();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d distinct keys in %d ms (%d per second)%n", connections * perConnection, ms,
                connections * perConnection * 1000L / Math.max(ms, 1));
        TRIED.addAndGet(connections * perConnection);
        assertEquals(50_000, counted, "exactly maxKeys distinct keys counted");
        assertEquals(50_000, refused, "the rest refused as too-many-keys");
        Map<String, Long> batch = flushed();
        assertEquals(50_000, batch.size(), "the batch holds maxKeys keys");
        assertEquals(50_000L, batch.values().stream().mapToLong(Long::longValue).sum(), "one hit each, none lost");
    }

    /**
     * Pipelines {@code count} pixel requests for distinct keys on one keep-alive connection, writing and
     * reading at once; answers {200 responses, of which too-many-keys}.
     */
    private static int[] pipeline(int firstKey, int count) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(60_000);
            Thread writer = new Thread(() -> {
                try {
                    // Not closed here: closing a socket's stream closes the socket, and the reader still needs it.
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                    for (int i = 0; i < count; i++) {
                        out.write(("GET /headcount/pixel.gif?key=flood-" + (firstKey + i) + " HTTP/1.1\r\nHost: x\r\n"
                                + (i == count - 1 ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "flood-writer");
            writer.start();
            byte[] all = socket.getInputStream().readAllBytes();
            writer.join();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            return new int[] {occurrences(text, "HTTP/1.1 200 "), occurrences(text, "X-Headcount-Ignored: too-many-keys")};
        }
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }
}
