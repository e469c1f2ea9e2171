package org.headcount.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.headcount.config.Config;
import org.headcount.live.Origins;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.Refused;
import org.headcount.live.SseSubscriber;
import org.headcount.live.Subscriber.Closing;

/** {@code /live/events?page=P}: the live count as Server-Sent Events, for clients that cannot use WebSocket. */
@WebServlet(urlPatterns = "/live/events", asyncSupported = true)
public final class EventsServlet extends HttpServlet {

    private PresenceRegistry registry;
    private List<String> allowedOrigins;

    @Override
    public void init() {
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        allowedOrigins = Attributes.get(getServletContext(), Config.class).allowedOrigins();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        if (!Origins.allowed(allowedOrigins, origin)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
            return;
        }
        if (origin != null) {
            response.setHeader("Access-Control-Allow-Origin", allowedOrigins.contains("*") ? "*" : origin);
            response.setHeader("Vary", "Origin");
        }
        String page = request.getParameter("page");
        if (page == null || page.isEmpty()) {
            page = request.getHeader("Referer");
        }
        try {
            registry.check(page);
        } catch (Refused e) {
            response.sendError(e.full() ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_BAD_REQUEST,
                    e.getMessage());
            return;
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass events through unbuffered
        SseSubscriber subscriber = new SseSubscriber(request.startAsync(), registry.meters());
        try {
            PresenceRegistry.Member member = registry.join(page, subscriber);
            subscriber.onEnd(() -> registry.leave(member));
        } catch (Refused e) {
            subscriber.close(Closing.TOO_SLOW); // room ran out since the check: the client retries after retry:
        }
    }
}
