package org.headcount.live;

import java.util.List;

/** The {@code allowedOrigins} check shared by the WebSocket handshake and the SSE/CORS answers. */
public final class Origins {

    private Origins() {
    }

    /**
     * Whether a browser at {@code origin} may connect. A request without Origin is not from a browser page
     * (curl, a server) and is allowed: the check protects visitors' browsers, not the counts.
     */
    public static boolean allowed(List<String> allowedOrigins, String origin) {
        if (origin == null || allowedOrigins.contains("*")) {
            return true;
        }
        return allowedOrigins.stream().anyMatch(origin::equalsIgnoreCase);
    }
}
