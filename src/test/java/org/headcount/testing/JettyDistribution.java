package org.headcount.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Eclipse Jetty 12 distribution (jetty-home) the build unpacked, run as the README tells users to: a fresh
 * jetty base with the project's jetty-conf/ copied in, the modules {@link #MODULES} added with start.jar, the WAR
 * dropped in as webapps/headcount.war, and {@code java -jar start.jar} (one JVM: no module here needs a fork).
 */
public final class JettyDistribution implements Distribution {

    /** What a jetty base for Headcount needs: HTTP, ee11 web applications with WebSocket, and the realm. */
    public static final String MODULES = "http,ee11-deploy,ee11-websocket-jakarta,headcount-realm";
    /** A user of the realm without the role headcount-admin, added next to jetty-conf's admin for the 403 case. */
    public static final String VIEWER_ENTRY = "viewer: viewer-secret";
    private static final Duration ADD_MODULES_WITHIN = Duration.ofSeconds(60);

    private final Path home;
    /** The port of jetty-conf's headcount-proxy connector, or 0 without that module. */
    private final int proxyPort;

    private JettyDistribution(Path home, int proxyPort) {
        this.home = home;
        this.proxyPort = proxyPort;
    }

    public static JettyDistribution fromBuild() {
        return new JettyDistribution(Distributions.fromBuild("distribution.jetty.home", "target/jetty-home-12.1.12"), 0);
    }

    /**
     * This distribution with jetty-conf's module headcount-proxy added too, as docs/security.md tells users to do
     * behind a reverse proxy: a second connector on 127.0.0.1:{@code port} takes the client from X-Forwarded-For.
     */
    public JettyDistribution withProxyConnector(int port) {
        return new JettyDistribution(home, port);
    }

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public DeployedServer deploy(int httpPort, Map<String, String> settings, List<String> jvmOptions) throws Exception {
        Path base = Distributions.freshDirectory(name() + "-" + httpPort);
        Distributions.copyTree(Distributions.project().resolve("jetty-conf"), base);
        addModules(base);
        Files.writeString(base.resolve("etc/headcount-realm.properties"), VIEWER_ENTRY + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        // With $JETTY_BASE/work present Jetty unpacks the WAR there rather than in the shared temp dir.
        for (String dir : List.of("work", "temp", "logs")) {
            Files.createDirectories(base.resolve(dir));
        }
        Files.copy(EmbeddedHeadcount.war(), base.resolve("webapps/headcount.war"));

        List<String> command = new ArrayList<>(List.of(Distributions.java(), "-Djava.io.tmpdir=" + base.resolve("temp")));
        command.addAll(jvmOptions);
        command.addAll(Distributions.systemProperties(settings));
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "jetty.http.port=" + httpPort));
        if (proxyPort != 0) {
            command.add("headcount.proxy.port=" + proxyPort);
        }
        ServerProcess process = ServerProcess.start(name(), command, base, base.resolve("logs/console.log"));
        return new DeployedServer(name(), httpPort, base, process).awaitReady();
    }

    /** {@code java -jar start.jar --add-modules=...} in the base: writes start.d/ and the modules' files. */
    private void addModules(Path base) throws Exception {
        String modules = proxyPort == 0 ? MODULES : MODULES + ",headcount-proxy";
        Path log = base.resolve("add-modules.log");
        Process process = new ProcessBuilder(Distributions.java(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "--add-modules=" + modules)
                .directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(ADD_MODULES_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("start.jar --add-modules did not finish within " + ADD_MODULES_WITHIN);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("start.jar --add-modules=" + modules + " failed with " + process.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
