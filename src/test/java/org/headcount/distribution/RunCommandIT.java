package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.headcount.testing.Distributions;
import org.headcount.testing.Eventually;
import org.headcount.testing.FreePort;
import org.headcount.testing.Http;
import org.headcount.testing.ServerProcess;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code mvn -Prun package}, run for real so it cannot rot: in a copy of the project
 * (so it does not rebuild this build's target/ under the running tests), with the same Maven and local repository.
 * It must build, start Tomcat, serve the demo page, and leave nothing running or listening once stopped.
 */
class RunCommandIT {

    /** Compiling, packaging and starting Tomcat on a busy 2-core machine; a download of a missing plugin on top. */
    private static final Duration SERVING_WITHIN = Duration.ofMinutes(5);
    private static final List<String> PROJECT_FILES = List.of("pom.xml", "src", "webapp", "tomcat-conf");

    @Test
    void readmeRunCommandTakesSettingsServesTheDemoPageAndStopsWithoutLeftovers() throws Exception {
        Path project = Distributions.project();
        Path copy = Distributions.freshDirectory("run-command");
        for (String file : PROJECT_FILES) {
            Distributions.copyTree(project.resolve(file), copy.resolve(file));
        }
        int port = FreePort.next();
        Path maven = Distributions.fromBuild("distribution.maven.home", System.getProperty("maven.home", "/usr/share/maven"));
        List<String> command = List.of(maven.resolve("bin/mvn").toString(), "-B",
                "-Dmaven.repo.local=" + System.getProperty("distribution.maven.repo", System.getProperty("user.home") + "/.m2/repository"),
                "-Prun", "package", "-Dhttp.port=" + port, "-Dheadcount.interval=7s");
        // As the README says: a setting as -Dheadcount.x on the command line, another as HEADCOUNT_X in the environment.
        Map<String, String> env = Map.of("HEADCOUNT_ENDPOINT", "http://127.0.0.1:9/from-the-environment");

        URI demo = URI.create("http://127.0.0.1:" + port + "/headcount/");
        List<ProcessHandle> tree;
        try (ServerProcess mvn = ServerProcess.start("mvn -Prun package", command, env, copy, copy.resolve("mvn.log"))) {
            mvn.awaitReady(demo, SERVING_WITHIN);
            // Tomcat's output reaches Maven's log through Ant's pump, a moment after Tomcat wrote it.
            Eventually.await("both settings reached Headcount in Tomcat's JVM (its start-up line in mvn.log)",
                    Duration.ofSeconds(30),
                    () -> mvn.log().contains("flushing every 7000ms to http://127.0.0.1:9/from-the-environment"));
            HttpResponse<String> page = Http.send(Http.request(demo).GET().build());
            assertEquals(200, page.statusCode(), "the demo page");
            assertTrue(page.body().contains("<title>Headcount</title>"), "it is Headcount's demo page: " + page.body());
            tree = mvn.tree();
            assertTrue(tree.size() >= 2, "Maven runs Tomcat in a JVM of its own: " + tree);
        }
        for (ProcessHandle process : tree) {
            assertFalse(process.isAlive(), "process " + process.pid() + " " + process.info().command().orElse("")
                    + " ended with Maven");
        }
        Eventually.await("nothing listening on port " + port + " any more", Duration.ofSeconds(10),
                () -> !FreePort.listening(port));
    }
}
