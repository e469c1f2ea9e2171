package org.headcount.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.headcount.live.LiveConfigurator;

/**
 * Tells the WebSocket handshake the client's address (as the container resolves it, behind a trusted proxy too),
 * for the per-client limits. Runs before the upgrade where the container lets the application's filters go first
 * (Tomcat); elsewhere the endpoint asks the container.
 */
@WebFilter(urlPatterns = "/live", asyncSupported = true)
public final class ClientAddressFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        LiveConfigurator.noteClient(request.getRemoteAddr());
        try {
            chain.doFilter(request, response);
        } finally {
            LiveConfigurator.noteClient(null);
        }
    }
}
