package org.headcount.testing;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/** What {@code /stats} says, as tests read it. */
public final class Stats {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private Stats() {
    }

    /** Members on {@code page} in the /stats document at {@code stats}; 0 for a page it does not list. */
    public static int members(URI stats, String page) throws Exception {
        return field(stats, page, "members");
    }

    /** Connections ever made to {@code page} on {@code server} since it was created; 0 for a page it does not list. */
    public static int connections(Deployment server, String page) throws Exception {
        return field(server.uri("/stats"), page, "connections");
    }

    @SuppressWarnings("unchecked")
    private static int field(URI stats, String page, String field) throws Exception {
        HttpResponse<String> response = Http.send(Http.request(stats).GET().build());
        if (response.statusCode() != 200) {
            throw new AssertionError(stats + " answered " + response.statusCode());
        }
        Map<String, Map<String, BigDecimal>> pages = JSONB.fromJson(response.body(), Map.class);
        Map<String, BigDecimal> entry = pages.get(page);
        return entry == null ? 0 : entry.get(field).intValueExact();
    }

    /** Members on {@code page} in {@code server}'s /stats. */
    public static int members(Deployment server, String page) throws Exception {
        return members(server.uri("/stats"), page);
    }
}
