package org.headcount.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.headcount.config.Config;
import org.headcount.live.LiveEndpoint;
import org.headcount.live.Origins;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.Refused;
import org.headcount.live.SseSubscriber;
import org.headcount.live.Subscriber.Closing;

/**
 * {@code /live/events?page=P}: the live count as Server-Sent Events, for clients that cannot use WebSocket;
 * {@code ?watch=all} watches every page without being counted, as on the WebSocket (AccessFilter guards it alike).
 */
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
        boolean watchAll = watchesAll(request);
        String page = acceptedPage(request, response, watchAll);
        if (page == null) {
            return;
        }
        SseSubscriber subscriber = new SseSubscriber(request.startAsync(), registry.meters());
        try {
            if (watchAll) {
                registry.watch(subscriber);
                subscriber.onEnd(() -> registry.unwatch(subscriber));
            } else {
                PresenceRegistry.Member member = registry.join(page, request.getParameter(LiveEndpoint.VISITOR),
                        request.getRemoteAddr(), subscriber);
                subscriber.onEnd(() -> registry.leave(member));
            }
        } catch (Refused e) {
            subscriber.close(Closing.TOO_SLOW); // room ran out since the check: the client retries after retry:
        }
    }

    /** The stream's headers and nothing else: a HEAD has no body to watch, so it must not count as a viewer. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        acceptedPage(request, response, watchesAll(request));
    }

    private static boolean watchesAll(HttpServletRequest request) {
        return "all".equals(request.getParameter("watch"));
    }

    /**
     * The page this stream would count on (empty for a watcher of every page), with the stream's headers set; or
     * null, with the refusal sent.
     */
    private String acceptedPage(HttpServletRequest request, HttpServletResponse response, boolean watchAll)
            throws IOException {
        String origin = request.getHeader("Origin");
        if (!Origins.allowed(allowedOrigins, origin)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
            return null;
        }
        if (origin != null) {
            response.setHeader("Access-Control-Allow-Origin", allowedOrigins.contains("*") ? "*" : origin);
            response.setHeader("Vary", "Origin");
        }
        String page = watchAll ? "" : request.getParameter("page");
        if (page == null || page.isEmpty() && !watchAll) {
            page = request.getHeader("Referer");
        }
        try {
            if (watchAll) {
                registry.checkRoom();
            } else {
                registry.check(page);
            }
        } catch (Refused e) {
            response.sendError(e.full() ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_BAD_REQUEST,
                    e.getMessage());
            return null;
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass events through unbuffered
        return page;
    }
}
