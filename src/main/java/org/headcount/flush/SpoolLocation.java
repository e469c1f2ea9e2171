package org.headcount.flush;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where outboxes live: by default beside the container's own state (its base directory), never in the temp and work
 * directories it deletes on undeploy and stop; within that, one directory per deployment.
 */
public final class SpoolLocation {

    static final String DIR = "headcount-spool";

    private SpoolLocation() {
    }

    /**
     * {@code $catalina.base/headcount-spool}, else {@code $jetty.base/headcount-spool}, else
     * {@code ~/.headcount/spool}; {@code systemProperties} answers null for a property that is not set.
     */
    public static Path defaultRoot(UnaryOperator<String> systemProperties) {
        for (String base : List.of("catalina.base", "jetty.base")) {
            String dir = systemProperties.apply(base);
            if (dir != null && !dir.isBlank()) {
                return Path.of(dir, DIR).toAbsolutePath();
            }
        }
        return Path.of(systemProperties.apply("user.home"), ".headcount", "spool").toAbsolutePath();
    }

    /**
     * One deployment's directory name, {@code headcount@Catalina%2Flocalhost} for /headcount on Tomcat's host
     * localhost ({@code @Catalina%2Flocalhost} for the root context): the context path and the virtual host, escaped,
     * so no two deployments share one.
     */
    public static String deploymentName(String virtualHost, String contextPath) {
        String context = contextPath == null || contextPath.isEmpty() ? "" : contextPath.substring(1);
        return escape(context) + "@" + escape(virtualHost == null || virtualHost.isEmpty() ? "default" : virtualHost);
    }

    private static String escape(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("*", "%2A");
    }
}
