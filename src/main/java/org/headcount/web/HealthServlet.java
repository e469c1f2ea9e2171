package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.headcount.flush.FlushResult;
import org.headcount.flush.FlushScheduler;
import org.headcount.live.PresenceRegistry;

/** {@code /health}: UP with the last flush, or 503 when the flush thread is gone or stuck, or the last flushes all failed. */
@WebServlet(urlPatterns = "/health")
public final class HealthServlet extends HttpServlet {

    static final int FAILED_FLUSHES_FOR_DOWN = 3;

    /**
     * The health document. {@code liveSerializations} counts live frames serialized since start: one per page per
     * notice however many members hear it (bench/notify-latency.sh checks that).
     */
    @JsonbPropertyOrder({"status", "uptimeSeconds", "flushRunning", "flushOverdue", "lastFlush", "pendingBatches",
            "consecutiveFailedFlushes", "liveConnections", "livePages", "liveSerializations"})
    public record Health(String status, long uptimeSeconds, boolean flushRunning, boolean flushOverdue, FlushResult lastFlush,
                         int pendingBatches, int consecutiveFailedFlushes, int liveConnections, int livePages,
                         long liveSerializations) {

        /**
         * DOWN when no flush will run any more, none has finished for longer than two intervals and a timeout, or
         * the last {@link #FAILED_FLUSHES_FOR_DOWN} all failed.
         */
        static Health of(FlushScheduler flush, PresenceRegistry registry, long uptimeSeconds) {
            boolean running = flush.running();
            boolean overdue = flush.overdue();
            int failures = flush.consecutiveFailures();
            boolean up = running && !overdue && failures < FAILED_FLUSHES_FOR_DOWN;
            return new Health(up ? "UP" : "DOWN", uptimeSeconds, running, overdue, flush.last(), flush.pendingBatches(),
                    failures, registry.connections(), registry.pages(), registry.serializations());
        }

        boolean up() {
            return status.equals("UP");
        }
    }

    private FlushScheduler flush;
    private PresenceRegistry registry;
    private Started started;
    private Jsonb jsonb;

    @Override
    public void init() {
        flush = Attributes.get(getServletContext(), FlushScheduler.class);
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        started = Attributes.get(getServletContext(), Started.class);
        jsonb = Attributes.get(getServletContext(), Jsonb.class);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Health health = Health.of(flush, registry, started.uptimeSeconds());
        Json.send(response, health.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE, jsonb, health);
    }
}
