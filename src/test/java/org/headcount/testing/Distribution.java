package org.headcount.testing;

import java.util.List;
import java.util.Map;

/** A real servlet container distribution, as users download it, that runs the built headcount.war at /headcount. */
public interface Distribution {

    /** For messages and directory names: {@code tomcat}, {@code jetty}. */
    String name();

    /**
     * Makes a fresh base directory, deploys the WAR, starts the container on {@code httpPort} with each Headcount
     * setting as a system property {@code -Dheadcount.name=value} (unless the distribution says otherwise) and
     * {@code jvmOptions} added, and returns once {@code /headcount/health} answers 200. A container that does not
     * get there is stopped before this fails.
     */
    DeployedServer deploy(int httpPort, Map<String, String> settings, List<String> jvmOptions) throws Exception;

    default DeployedServer deploy(Map<String, String> settings) throws Exception {
        return deploy(FreePort.next(), settings, List.of());
    }
}
