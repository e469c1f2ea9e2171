package org.headcount.live;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.Map;

/** The JSON documents live clients receive, in the field order DESIGN.md shows. */
public final class Frames {

    private Frames() {
    }

    /** {@code {"page":P,"online":N}} for a page's members. */
    @JsonbPropertyOrder({"page", "online"})
    public record PageCount(String page, int online) {}

    /** {@code {"total":N,"pages":{P:N,…}}} for watchers of every page. */
    @JsonbPropertyOrder({"total", "pages"})
    public record AllPages(int total, Map<String, Integer> pages) {}

    /** Audience Meter's {@code /stats} entry for one page. */
    @JsonbPropertyOrder({"created", "connections", "members", "visitors"})
    public record PageStats(long created, long connections, int members, int visitors) {}
}
