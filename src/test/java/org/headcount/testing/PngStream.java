package org.headcount.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.headcount.live.PngStreamSubscriber;

/**
 * An open {@code /online.png} stream whose parts a reader thread hands over as they complete, where a browser
 * completes them: at the delimiter ({@code CRLF--boundary}) that follows each body.
 */
public final class PngStream implements AutoCloseable {

    /** One multipart part: its headers (names lower-cased) and its body. */
    public record Part(Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** How long a part may take: the server re-sends the image every 2 s, so this is slack for a loaded machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    private static final byte[] DELIMITER = ("\r\n--" + PngStreamSubscriber.BOUNDARY).getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_PART_BYTES = 1 << 20;

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Object> parts = new LinkedBlockingQueue<>();

    private PngStream(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "png-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static PngStream open(Deployment server, String referer) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = Http.CLIENT.send(Http.request(server.uri("/online.png"), "Referer", referer)
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        return new PngStream(response);
    }

    /** The next complete part; fails the test if none comes promptly or the stream broke. */
    public Part next() throws InterruptedException {
        Object next = parts.poll(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("no complete part within " + PROMPTLY);
        }
        if (next instanceof Throwable broken) {
            throw new AssertionError("the stream broke: " + broken, broken);
        }
        return (Part) next;
    }

    /** The next part whose image differs from {@code shown}: parts repeating it are the keep-alive re-sends. */
    public Part nextChangeFrom(byte[] shown) throws InterruptedException {
        Part next;
        do {
            next = next();
        } while (Arrays.equals(shown, next.body()));
        return next;
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        try (InputStream in = response.body()) {
            // The body opens with the first delimiter, without the CRLF that precedes later ones.
            byte[] preamble = in.readNBytes(DELIMITER.length - 2);
            if (!Arrays.equals(Arrays.copyOfRange(DELIMITER, 2, DELIMITER.length), preamble)) {
                throw new IOException("the body does not open with --boundary: " + new String(preamble, StandardCharsets.ISO_8859_1));
            }
            while (true) {
                String after = new String(in.readNBytes(2), StandardCharsets.US_ASCII);
                if (after.equals("--")) {
                    return; // the close delimiter: no more parts
                }
                if (!after.equals("\r\n")) {
                    throw new IOException("a delimiter must end its line, got " + after);
                }
                Map<String, String> headers = headers(in);
                parts.add(new Part(headers, until(in, DELIMITER)));
            }
        } catch (IOException | RuntimeException e) {
            parts.add(e); // closed by the test, or a framing error for next() to report
        }
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = new String(until(in, "\r\n".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException("not a header line: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** The bytes before the next {@code marker}, which is consumed. */
    private static byte[] until(InputStream in, byte[] marker) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < marker.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the stream ended inside a part");
            }
            bytes.write(b);
            matched = b == (marker[matched] & 0xff) ? matched + 1 : (b == (marker[0] & 0xff) ? 1 : 0);
            if (bytes.size() > MAX_PART_BYTES) {
                throw new IOException("no delimiter within " + MAX_PART_BYTES + " bytes");
            }
        }
        byte[] all = bytes.toByteArray();
        return Arrays.copyOf(all, all.length - marker.length);
    }

    /** Ends the stream from the client side, as closing the page would. */
    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
