package org.headcount.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.headcount.live.PngRenderer;
import org.headcount.live.PngStreamSubscriber;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.Refused;
import org.headcount.live.Subscriber.Closing;

/**
 * {@code /online.png}: the PNG counter, a stream of "Users online: N" images for the page that embeds it,
 * which it counts as one viewer of that page.
 */
@WebServlet(urlPatterns = "/online.png", asyncSupported = true)
public final class OnlinePngServlet extends HttpServlet {

    private PresenceRegistry registry;
    private PngRenderer renderer;

    @Override
    public void init() {
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        // Only this servlet draws counters; its images are cached per count for its lifetime.
        renderer = new PngRenderer();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String page = acceptedPage(request, response);
        if (page == null) {
            return;
        }
        PngStreamSubscriber subscriber = new PngStreamSubscriber(request.startAsync(), renderer, registry.meters());
        try {
            PresenceRegistry.Member member = registry.join(page, null, request.getRemoteAddr(), subscriber);
            subscriber.onEnd(() -> registry.leave(member));
        } catch (Refused e) {
            subscriber.close(Closing.TOO_SLOW); // room ran out since the check
        }
    }

    /** The stream's headers and nothing else: a HEAD has no body to watch, so it must not count as a viewer. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        acceptedPage(request, response);
    }

    /** The page this stream would count on, with the stream's headers set; or null, with the refusal sent. */
    private String acceptedPage(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The page is the Referer exactly as sent, as the PNG counter did; without one there is no page to count.
        String page = request.getHeader("Referer");
        if (page == null || page.isEmpty()) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "You can't view this image directly: embed it in a page");
            return null;
        }
        try {
            registry.check(page);
        } catch (Refused e) {
            response.sendError(e.full() ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_BAD_REQUEST,
                    e.getMessage());
            return null;
        }
        response.setContentType(PngStreamSubscriber.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-cache, no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass frames through unbuffered
        return page;
    }
}
