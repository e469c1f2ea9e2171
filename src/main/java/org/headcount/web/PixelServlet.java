package org.headcount.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;
import org.headcount.config.Config;
import org.headcount.count.HitCounter;
import org.headcount.count.Ignored;
import org.headcount.limits.ClientLimits;
import org.headcount.metrics.PixelMeter;

/** {@code /pixel.gif}: always answers the 1×1 transparent GIF at once, and counts one hit for {@code key}. */
@WebServlet(urlPatterns = "/pixel.gif")
public final class PixelServlet extends HttpServlet {

    static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private HitCounter counter;
    private ClientLimits limits;
    private PixelMeter meter;
    private boolean keyFromReferer;
    private boolean respectDoNotTrack;

    @Override
    public void init() {
        Config config = Attributes.get(getServletContext(), Config.class);
        counter = Attributes.get(getServletContext(), HitCounter.class);
        limits = Attributes.get(getServletContext(), ClientLimits.class);
        meter = Attributes.get(getServletContext(), PixelMeter.class);
        keyFromReferer = config.keyFromReferer();
        respectDoNotTrack = config.respectDoNotTrack();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, count(request, true));
    }

    /** For {@code navigator.sendBeacon}, which can only POST; the key may then come in a form body too. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, count(request, false));
    }

    private void answer(HttpServletResponse response, Ignored ignored) throws IOException {
        if (ignored != null) {
            meter.ignored(ignored);
        }
        headers(response, ignored);
        response.getOutputStream().write(GIF);
    }

    /** The same headers as GET, and nothing counted. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        headers(response, null);
    }

    private Ignored count(HttpServletRequest request, boolean queryOnly) {
        if (respectDoNotTrack && ("1".equals(request.getHeader("DNT")) || "1".equals(request.getHeader("Sec-GPC")))) {
            return Ignored.DO_NOT_TRACK;
        }
        // Never trust the client: the key is any string at all, bounded only by maxKeyLength and maxKeys.
        String key = queryOnly ? key(request) : parameter(request, "key");
        if ((key == null || key.isEmpty()) && keyFromReferer) {
            key = request.getHeader("Referer");
        }
        Ignored invalid = counter.check(key);
        if (invalid != null) {
            return invalid;
        }
        return limits.pixel(request.getRemoteAddr(), key) ? counter.hit(key) : Ignored.RATE_LIMITED;
    }

    /** A GET's key: read from a plain query here, which is most pixels, else by the container. */
    private static String key(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        String key = PlainQuery.key(query);
        return key == PlainQuery.NOT_PLAIN ? parameter(request, "key") : key;
    }

    /** A malformed query string must still get its GIF: a parameter that cannot be read is absent. */
    private static String parameter(HttpServletRequest request, String name) {
        try {
            return request.getParameter(name);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null;
        }
    }

    private static void headers(HttpServletResponse response, Ignored ignored) {
        response.setContentType("image/gif");
        response.setContentLength(GIF.length);
        response.setHeader("Cache-Control", "private, no-cache, no-store, max-age=0, proxy-revalidate");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Expires", "0");
        if (ignored != null) {
            response.setHeader("X-Headcount-Ignored", ignored.header());
        }
    }
}
