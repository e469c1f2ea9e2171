package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.headcount.flush.FlushResult;
import org.headcount.flush.FlushScheduler;
import org.headcount.live.PresenceRegistry;

/** {@code /health}: UP with the last flush, or 503 when the flush thread is gone or the last flushes all failed. */
@WebServlet(urlPatterns = "/health")
public final class HealthServlet extends HttpServlet {

    static final int FAILED_FLUSHES_FOR_DOWN = 3;

    /**
     * The health document. {@code liveSerializations} counts live frames serialized since start: one per page per
     * notice however many members hear it (bench/notify-latency.sh checks that).
     */
    public record Health(String status, long uptimeSeconds, FlushResult lastFlush, int pendingBatches,
                         int consecutiveFailedFlushes, int liveConnections, int livePages, long liveSerializations) {}

    private FlushScheduler flush;
    private PresenceRegistry registry;
    private Jsonb jsonb;
    private final long startedMs = System.currentTimeMillis();

    @Override
    public void init() {
        flush = Attributes.get(getServletContext(), FlushScheduler.class);
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        jsonb = Attributes.get(getServletContext(), Jsonb.class);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean up = flush.running() && flush.consecutiveFailures() < FAILED_FLUSHES_FOR_DOWN;
        Health health = new Health(up ? "UP" : "DOWN", (System.currentTimeMillis() - startedMs) / 1000, flush.last(),
                flush.pendingBatches(), flush.consecutiveFailures(), registry.connections(), registry.pages(),
                registry.serializations());
        Json.send(response, up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE, jsonb, health);
    }
}
