package org.headcount.web;

import jakarta.json.bind.Jsonb;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.headcount.live.PresenceRegistry;

/**
 * {@code /stats}: Audience Meter's shape, {@code {P:{"created":unix_s,"connections":n,"members":n},…}}, with members
 * across the cluster; {@code ?node=local} gives this node's own.
 */
@WebServlet(urlPatterns = "/stats")
public final class StatsServlet extends HttpServlet {

    private PresenceRegistry registry;
    private Jsonb jsonb;

    @Override
    public void init() {
        registry = Attributes.get(getServletContext(), PresenceRegistry.class);
        jsonb = Attributes.get(getServletContext(), Jsonb.class);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Json.send(response, HttpServletResponse.SC_OK, jsonb, registry.stats("local".equals(request.getParameter("node"))));
    }
}
