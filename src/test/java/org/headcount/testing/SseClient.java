package org.headcount.testing;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An EventSource-like reader of {@code text/event-stream} over java.net.http, recording every line. */
public final class SseClient implements AutoCloseable {

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(URI uri, String... headers) throws Exception {
        return new SseClient(Http.CLIENT.send(Http.request(uri, headers).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()));
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            // closed by the test
        }
    }

    /** The next line that starts with {@code prefix}, without the prefix; fails after {@code timeout}. */
    public String next(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no '" + prefix + "' line within " + timeout);
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
    }

    /** Reads {@code data:} lines until one is exactly {@code json} (others may repeat a count); fails after {@code timeout}. */
    public void awaitData(String json, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (!json.equals(last)) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no 'data: " + json + "' line within " + timeout + "; the last data was " + last);
            }
            if (line.startsWith("data: ")) {
                last = line.substring("data: ".length());
            }
        }
    }

    @Override
    public void close() throws Exception {
        response.body().close();
    }
}
