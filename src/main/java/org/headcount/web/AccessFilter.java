package org.headcount.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import org.headcount.config.Config;

/**
 * With {@code dashboardPublic=false}, lets only the {@value #ROLE} role see what lists every page: the dashboard,
 * its JSON, {@code /stats}, {@code /live?watch=all} and {@code /live/events?watch=all}. web.xml cannot make a constraint depend on a setting, so
 * this asks the container's own realm (HTTP BASIC, as for /admin) through {@code request.authenticate}.
 */
@WebFilter(urlPatterns = {"/dashboard.html", "/dashboard/*", "/stats", "/live", "/live/events"}, asyncSupported = true)
public final class AccessFilter extends HttpFilter {

    public static final String ROLE = "headcount-admin";

    private boolean open;

    @Override
    public void init() {
        open = Attributes.get(getServletContext(), Config.class).dashboardPublic();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (open || !guarded(request)) {
            chain.doFilter(request, response);
            return;
        }
        // Nothing in web.xml guards these paths, so the container has not read the credentials yet: ask it to.
        if (request.getUserPrincipal() == null && !request.authenticate(response)) {
            return; // the container answered 401 with its BASIC challenge
        }
        if (!request.isUserInRole(ROLE)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "the " + ROLE + " role is required");
            return;
        }
        chain.doFilter(request, response);
    }

    /** On the live paths only watchers of every page are guarded: a page's own count stays public. */
    private static boolean guarded(HttpServletRequest request) {
        String path = request.getServletPath();
        if (!"/live".equals(path) && !"/live/events".equals(path)) {
            return true;
        }
        String[] watch = request.getParameterValues("watch");
        return watch != null && Arrays.asList(watch).contains("all");
    }
}
