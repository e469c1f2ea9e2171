package org.headcount.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of {@code /metrics}, parsed from the Prometheus text format into series → value. */
public final class Scrape {

    private final Map<String, Double> series = new LinkedHashMap<>();
    private final String text;

    private Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            // A sample is `name{labels} value [timestamp]`; label values may hold spaces, so split after the braces.
            int braces = line.lastIndexOf('}');
            int space = line.indexOf(' ', braces < 0 ? 0 : braces);
            String value = line.substring(space + 1).trim().split(" ")[0];
            series.put(line.substring(0, space), Double.parseDouble(value));
        }
    }

    /** GETs {@code /metrics} from {@code server}, checking status and content type. */
    public static Scrape of(EmbeddedHeadcount server) throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("/metrics"));
        assertEquals(200, response.statusCode(), "/metrics answers 200");
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain"), "Prometheus text format, not " + type);
        return new Scrape(new String(response.body(), StandardCharsets.UTF_8));
    }

    /** The value of {@code series} exactly as exposed, e.g. {@code headcount_hits_ignored_total{reason="no-key"}}. */
    public double value(String name) {
        Double value = series.get(name);
        if (value == null) {
            throw new AssertionError("no series " + name + " in the scrape:\n" + text);
        }
        return value;
    }

    public boolean has(String name) {
        return series.containsKey(name);
    }

    @Override
    public String toString() {
        return text;
    }
}
