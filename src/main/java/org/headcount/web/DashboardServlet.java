package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.headcount.config.Config;
import org.headcount.count.HitCounter;
import org.headcount.dashboard.History;
import org.headcount.flush.FlushResult;
import org.headcount.flush.FlushScheduler;
import org.headcount.live.LiveMeters;
import org.headcount.live.PresenceRegistry;
import org.headcount.metrics.PixelMeter;

/**
 * The dashboard's JSON: {@code /dashboard/summary} (what waits for the next flush, the last flush, live figures)
 * and {@code /dashboard/history} (the last hour's samples). The live page list itself comes over {@code /live?watch=all}.
 * When {@code dashboardPublic=false}, {@link AccessFilter} lets only the headcount-admin role in.
 */
@WebServlet(urlPatterns = "/dashboard/*")
public final class DashboardServlet extends HttpServlet {

    /** Pending keys the dashboard lists. */
    static final int TOP_KEYS = 10;

    /** The {@code /dashboard/summary} document. */
    @JsonbPropertyOrder({"uptimeSeconds", "intervalMs", "hasEndpoint", "pending", "lastFlush", "batchesPending",
            "consecutiveFailedFlushes", "flushRunning", "connections", "pages", "watchMaxPages", "pixelsIgnored",
            "liveDropped"})
    public record Summary(long uptimeSeconds, long intervalMs, boolean hasEndpoint, HitCounter.Pending pending,
                          FlushResult lastFlush, int batchesPending, int consecutiveFailedFlushes, boolean flushRunning,
                          int connections, int pages, int watchMaxPages, Map<String, Long> pixelsIgnored,
                          Map<String, Long> liveDropped) {}

    private Config config;
    private Started started;
    private HitCounter counter;
    private PixelMeter pixels;
    private FlushScheduler flush;
    private PresenceRegistry registry;
    private History history;
    private Jsonb jsonb;

    @Override
    public void init() {
        config = Attributes.get(getServletContext(), Config.class);
        started = Attributes.get(getServletContext(), Started.class);
        counter = Attributes.get(getServletContext(), HitCounter.class);
        pixels = Attributes.get(getServletContext(), PixelMeter.class);
        flush = Attributes.get(getServletContext(), FlushScheduler.class);
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        history = Attributes.get(getServletContext(), History.class);
        jsonb = Attributes.get(getServletContext(), Jsonb.class);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if ("/summary".equals(path)) {
            Json.send(response, HttpServletResponse.SC_OK, jsonb, summary());
        } else if ("/history".equals(path)) {
            Json.send(response, HttpServletResponse.SC_OK, jsonb, history.lastHour());
        } else if (path == null || "/".equals(path)) {
            response.sendRedirect(request.getContextPath() + "/dashboard.html");
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private Summary summary() {
        return new Summary(started.uptimeSeconds(), config.intervalMs(), config.hasEndpoint(), counter.pending(TOP_KEYS),
                flush.last(), flush.pendingBatches(), flush.consecutiveFailures(), flush.running(),
                registry.connections(), registry.pages(), PresenceRegistry.WATCH_MAX_PAGES, pixels.ignoredByReason(),
                liveDropped());
    }

    /** Live connections ended or refused since start, by reason. */
    private Map<String, Long> liveDropped() {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (LiveMeters.Drop why : LiveMeters.Drop.values()) {
            dropped.put(why.label(), registry.meters().dropped(why));
        }
        return dropped;
    }
}
