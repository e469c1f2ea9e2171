package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.headcount.config.Config;
import org.headcount.flush.FlushScheduler;

/**
 * {@code POST /admin/flush}: flushes now (Pixel Ping's SIGUSR2) and answers the outcome. Only the
 * {@code headcount-admin} role gets here: web.xml guards {@code /admin/*} with the container's realm.
 */
@WebServlet(urlPatterns = "/admin/flush")
public final class AdminFlushServlet extends HttpServlet {

    private FlushScheduler flush;
    private Jsonb jsonb;
    private long waitMs;

    @Override
    public void init() {
        flush = Attributes.get(getServletContext(), FlushScheduler.class);
        jsonb = Attributes.get(getServletContext(), Jsonb.class);
        waitMs = waitMs(Attributes.get(getServletContext(), Config.class));
    }

    /** How long a forced flush waits for its outcome: room for the flush already running and ours, each bounded by the timeout. */
    static long waitMs(Config config) {
        return 2 * config.flushTimeoutMs() + 5_000;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Json.send(response, HttpServletResponse.SC_OK, jsonb, flush.flushNow(waitMs));
        } catch (TimeoutException e) {
            Json.send(response, HttpServletResponse.SC_ACCEPTED, jsonb,
                    Map.of("outcome", "in-progress", "error", "no outcome within " + waitMs + "ms; the flush goes on"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        }
    }
}
