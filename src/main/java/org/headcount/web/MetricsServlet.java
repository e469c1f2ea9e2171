package org.headcount.web;

import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /metrics}: the official Prometheus exporter servlet over this deployment's own registry. A thin
 * annotated servlet rather than {@code ServletContext.addServlet} from the listener (which Servlet 6.1 allows
 * an annotated listener too): every mapping stays in one place, and the registry arrives like every other shared
 * object, through a context attribute.
 */
@WebServlet(urlPatterns = "/metrics")
public final class MetricsServlet extends HttpServlet {

    private PrometheusMetricsServlet exporter;

    @Override
    public void init() throws ServletException {
        exporter = new PrometheusMetricsServlet(Attributes.get(getServletContext(), PrometheusRegistry.class));
        exporter.init(getServletConfig());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        exporter.service(request, response);
    }

    @Override
    public void destroy() {
        exporter.destroy();
    }
}
