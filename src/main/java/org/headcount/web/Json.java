package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes a JSON answer that no cache keeps. */
final class Json {

    private Json() {
    }

    static void send(HttpServletResponse response, int status, Jsonb jsonb, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-store");
        response.getWriter().write(jsonb.toJson(body));
    }
}
