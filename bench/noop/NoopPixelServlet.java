package bench.noop;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;

/**
 * Bench only, never shipped: the physical limit of a pixel in this Tomcat. Answers /pixel.gif with Headcount's
 * GIF and headers and does nothing else (no parameter parsing, no counting).
 */
@WebServlet(urlPatterns = "/pixel.gif")
public final class NoopPixelServlet extends HttpServlet {

    private static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("image/gif");
        response.setContentLength(GIF.length);
        response.setHeader("Cache-Control", "private, no-cache, no-store, max-age=0, proxy-revalidate");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Expires", "0");
        response.getOutputStream().write(GIF);
    }
}
