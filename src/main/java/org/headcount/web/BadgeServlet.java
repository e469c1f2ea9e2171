package org.headcount.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.headcount.live.PresenceRegistry;

/** {@code /badge.svg?page=P}: a one-shot, shields.io-style "online · N" badge for places where a stream is unwelcome. */
@WebServlet(urlPatterns = "/badge.svg")
public final class BadgeServlet extends HttpServlet {

    static final String LABEL = "online";
    /** Verdana 11px, the badge font, averages about this much per digit or letter. */
    static final int CHAR_WIDTH_PX = 7;
    static final int SIDE_PADDING_PX = 6;
    static final int HEIGHT_PX = 20;
    private static final String LABEL_COLOR = "#555";
    private static final String ONLINE_COLOR = "#4c1";
    private static final String NOBODY_COLOR = "#9f9f9f";

    private PresenceRegistry registry;

    @Override
    public void init() {
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String page = request.getParameter("page");
        if (page == null || page.isEmpty()) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "page required");
            return;
        }
        // Never trust the client: the page name is only a lookup key and is never written into the SVG.
        int online = registry.online(page);
        // Bytes, not getWriter(): Jetty 12 assumes image/* has no charset and would encode the label's "·" as ISO-8859-1.
        byte[] body = svg(online).getBytes(StandardCharsets.UTF_8);
        response.setContentType("image/svg+xml;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache, no-store, max-age=0");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The badge: a grey label part and a value part, each as wide as its text plus padding. */
    static String svg(int online) {
        String value = Integer.toString(online);
        int labelWidth = width(LABEL);
        int valueWidth = width(value);
        int total = labelWidth + valueWidth;
        String title = LABEL + " · " + value;
        String color = online > 0 ? ONLINE_COLOR : NOBODY_COLOR;
        return """
                <svg xmlns="http://www.w3.org/2000/svg" width="%1$d" height="%6$d" role="img" aria-label="%2$s">\
                <title>%2$s</title>\
                <linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>\
                <stop offset="1" stop-opacity=".1"/></linearGradient>\
                <clipPath id="r"><rect width="%1$d" height="%6$d" rx="3" fill="#fff"/></clipPath>\
                <g clip-path="url(#r)"><rect width="%3$d" height="%6$d" fill="%7$s"/>\
                <rect x="%3$d" width="%4$d" height="%6$d" fill="%8$s"/>\
                <rect width="%1$d" height="%6$d" fill="url(#s)"/></g>\
                <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">\
                <text x="%9$d" y="14">%10$s</text>\
                <text x="%11$d" y="14">%5$s</text></g></svg>
                """.formatted(total, title, labelWidth, valueWidth, value, HEIGHT_PX, LABEL_COLOR, color,
                labelWidth / 2, LABEL, labelWidth + valueWidth / 2);
    }

    private static int width(String text) {
        return text.length() * CHAR_WIDTH_PX + 2 * SIDE_PADDING_PX;
    }
}
