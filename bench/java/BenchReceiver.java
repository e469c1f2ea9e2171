import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Bench only: a Pixel Ping flush receiver on 127.0.0.1. Reads each POST whole, answers 204 at once, then decodes
 * the form and its JSON and prints one line per batch:
 * {@code BATCH id=… bytes=… keys=… hits=… read_ms=… parse_ms=… total_hits=… distinct_keys=…}.
 * A batch id seen before is counted once. Usage: {@code java BenchReceiver PORT}.
 */
public final class BenchReceiver {

    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> totals = new HashMap<>();
    private long totalHits;

    public static void main(String[] args) throws IOException {
        BenchReceiver receiver = new BenchReceiver();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 50);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/", receiver::handle);
        server.start();
        System.out.println("RECEIVER_READY port=" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        long read = System.nanoTime();
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        long parseStart = System.nanoTime();
        Map<String, Long> batch = hits(new String(body, StandardCharsets.US_ASCII));
        long parsed = System.nanoTime();
        long hits = batch.values().stream().mapToLong(Long::longValue).sum();
        boolean fresh = id == null || seen.add(id);
        if (fresh) {
            batch.forEach((key, n) -> totals.merge(key, n, Long::sum));
            totalHits += hits;
        }
        System.out.printf("BATCH id=%s duplicate=%b bytes=%d keys=%d hits=%d read_ms=%.1f parse_ms=%.1f total_hits=%d distinct_keys=%d%n",
                id, !fresh, body.length, batch.size(), hits, (read - start) / 1e6, (parsed - parseStart) / 1e6,
                totalHits, totals.size());
        System.out.flush();
    }

    /** The {@code json=} form field, decoded, as key → hits. */
    static Map<String, Long> hits(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("json=")) {
                return new JsonHits(URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8)).parse();
            }
        }
        throw new IllegalArgumentException("no json= field");
    }

    /** A parser for exactly one JSON object of string → integer, with every string escape. */
    static final class JsonHits {
        private final String s;
        private int i;

        JsonHits(String s) {
            this.s = s;
        }

        Map<String, Long> parse() {
            Map<String, Long> hits = new HashMap<>();
            skip();
            expect('{');
            skip();
            if (peek() == '}') {
                return hits;
            }
            for (;;) {
                skip();
                String key = string();
                skip();
                expect(':');
                skip();
                int from = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) {
                    i++;
                }
                if (hits.put(key, Long.parseLong(s.substring(from, i))) != null) {
                    throw new IllegalArgumentException("duplicate key " + key);
                }
                skip();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return hits;
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            for (;;) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private char peek() {
            return s.charAt(i);
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + i);
            }
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
