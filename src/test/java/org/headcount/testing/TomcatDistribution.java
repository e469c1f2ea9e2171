package org.headcount.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Apache Tomcat 11 distribution the build unpacked, run the way {@code mvn -Prun package} runs it: a fresh
 * catalina.base with the distribution's conf/ and the project's tomcat-conf/ laid over it, the WAR dropped in as
 * webapps/headcount.war, and Tomcat's Bootstrap started with java (the zip loses the scripts' exec bits).
 */
public final class TomcatDistribution implements Distribution {

    /** A user of the realm without the role headcount-admin, added next to tomcat-conf's admin for the 403 case. */
    public static final String VIEWER_ENTRY = "<user username=\"viewer\" password=\"viewer-secret\"/>";
    /** server.xml's commented-out PEM connector: the comment markers around it, and the connector itself. */
    private static final Pattern HTTPS_RECIPE =
            Pattern.compile("<!--\\s*\\n(\\s*<Connector port=\"\\$\\{https\\.port[^\"]*\"[\\s\\S]*?</Connector>)\\s*-->");

    /** Tomcat's HostConfig checks the WAR's time stamp every ~10 s; a cold redeploy on a busy CI machine adds more. */
    private static final Duration REDEPLOYED_WITHIN = Duration.ofSeconds(90);
    /** OneLineFormatter's line for a finished (re)deploy of webapps/headcount.war. */
    private static final String HEADCOUNT_DEPLOYED = File.separator + "headcount.war] has finished";

    /** server.xml's commented-out RemoteIpValve: the comment's prose, then the valve itself. */
    private static final Pattern REMOTE_IP_RECIPE = Pattern.compile(
            "<!--((?:(?!<!--)[\\s\\S])*?)(<Valve className=\"org\\.apache\\.catalina\\.valves\\.RemoteIpValve\"[\\s\\S]*?/>)\\s*-->");

    private final Path home;
    private final boolean remoteIpValve;
    private final boolean httpsConnector;
    private final boolean settingsAsParameters;
    private final List<String> extraWars;

    private TomcatDistribution(Path home, boolean httpsConnector, boolean settingsAsParameters, List<String> extraWars,
                               boolean remoteIpValve) {
        this.home = home;
        this.remoteIpValve = remoteIpValve;
        this.httpsConnector = httpsConnector;
        this.settingsAsParameters = settingsAsParameters;
        this.extraWars = List.copyOf(extraWars);
    }

    public static TomcatDistribution fromBuild() {
        return new TomcatDistribution(Distributions.fromBuild("distribution.tomcat.home", "target/apache-tomcat-11.0.24"),
                false, false, List.of(), false);
    }

    /**
     * This distribution with the Headcount settings written as {@code <Parameter name="x" value="..." override="false"/>}
     * into conf/context.xml, as tomcat-conf/context.xml tells users to, instead of as system properties.
     */
    public TomcatDistribution withSettingsInContextXml() {
        return new TomcatDistribution(home, httpsConnector, true, extraWars, remoteIpValve);
    }

    /**
     * This distribution with the PEM connector of tomcat-conf/server.xml uncommented, as its comment tells users
     * to do; it then needs {@code -Dhttps.port}, {@code -Dssl.cert}, {@code -Dssl.key} and {@code -Dssl.chain}.
     */
    public TomcatDistribution withHttpsConnector() {
        return new TomcatDistribution(home, true, settingsAsParameters, extraWars, remoteIpValve);
    }

    /**
     * This distribution with the WAR also copied in as webapps/name.war for each of {@code contextNames}, so it runs
     * at /name too; deploy() then also waits for each /name/health to answer 200.
     */
    public TomcatDistribution withExtraWars(String... contextNames) {
        return new TomcatDistribution(home, httpsConnector, settingsAsParameters, List.of(contextNames), remoteIpValve);
    }

    /**
     * Replaces webapps/headcount.war in the running {@code server} by a fresh copy with a newer time stamp, so Tomcat's
     * autoDeploy undeploys /headcount and deploys it again, and returns once that redeploy has finished and
     * /headcount/health answers 200.
     */
    public static void replaceWar(DeployedServer server) throws Exception {
        long deployedBefore = deploymentsFinished(server);
        // Copied beside webapps/ and moved in whole: Tomcat must never see a half-written WAR.
        Path fresh = Files.copy(EmbeddedHeadcount.war(), server.base().resolve("headcount.war.new"),
                StandardCopyOption.REPLACE_EXISTING);
        // Two seconds ahead: a copy within the same second as the deployed WAR could look unchanged to HostConfig.
        Files.setLastModifiedTime(fresh, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Files.move(fresh, server.base().resolve("webapps/headcount.war"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        try {
            Eventually.await("tomcat redeploying headcount.war", REDEPLOYED_WITHIN,
                    () -> deploymentsFinished(server) > deployedBefore);
            Eventually.await("/headcount/health answering 200 after the redeploy", REDEPLOYED_WITHIN,
                    () -> Http.get(server.uri("/health")).statusCode() == 200);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; tomcat's log ends:\n" + server.tail(), e);
        }
    }

    private static long deploymentsFinished(DeployedServer server) throws Exception {
        return server.log().lines().filter(line -> line.contains(HEADCOUNT_DEPLOYED)).count();
    }

    /**
     * This distribution with server.xml's RemoteIpValve uncommented, as its comment tells users to do behind a
     * reverse proxy: requests from 127.0.0.1 may then name their client in X-Forwarded-For.
     */
    public TomcatDistribution withRemoteIpValve() {
        return new TomcatDistribution(home, httpsConnector, settingsAsParameters, extraWars, true);
    }

    @Override
    public String name() {
        return "tomcat";
    }

    @Override
    public DeployedServer deploy(int httpPort, Map<String, String> settings, List<String> jvmOptions) throws Exception {
        Path base = Distributions.freshDirectory(name() + "-" + httpPort);
        Distributions.copyTree(home.resolve("conf"), base.resolve("conf"));
        Distributions.copyTree(Distributions.project().resolve("tomcat-conf"), base.resolve("conf"));
        addViewer(base.resolve("conf/tomcat-users.xml"));
        if (httpsConnector) {
            uncommentHttpsConnector(base.resolve("conf/server.xml"));
        }
        if (remoteIpValve) {
            uncommentRemoteIpValve(base.resolve("conf/server.xml"));
        }
        if (settingsAsParameters) {
            addParameters(base.resolve("conf/context.xml"), settings);
        }
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        Files.copy(EmbeddedHeadcount.war(), base.resolve("webapps/headcount.war"));
        for (String context : extraWars) {
            Files.copy(EmbeddedHeadcount.war(), base.resolve("webapps/" + context + ".war"));
        }

        List<String> command = new ArrayList<>(List.of(Distributions.java(),
                "-cp", home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Djava.awt.headless=true", "-Djdk.tls.ephemeralDHKeySize=2048",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-Dhttp.port=" + httpPort));
        command.addAll(jvmOptions);
        command.addAll(Distributions.systemProperties(settingsAsParameters ? Map.of() : settings));
        command.addAll(List.of("org.apache.catalina.startup.Bootstrap", "start"));
        ServerProcess process = ServerProcess.start(name(), command, base, base.resolve("logs/console.log"));
        return new DeployedServer(name(), httpPort, base, process, extraWars).awaitReady();
    }

    private static void addViewer(Path users) throws Exception {
        insertBefore(users, "</tomcat-users>", "  " + VIEWER_ENTRY + "\n");
    }

    private static void addParameters(Path contextXml, Map<String, String> settings) throws Exception {
        StringBuilder parameters = new StringBuilder();
        settings.forEach((name, value) -> parameters.append("    <Parameter name=\"").append(name).append("\" value=\"")
                .append(xml(value)).append("\" override=\"false\"/>\n"));
        insertBefore(contextXml, "</Context>", parameters.toString());
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }

    private static void insertBefore(Path file, String end, String text) throws Exception {
        String xml = Files.readString(file, StandardCharsets.UTF_8);
        int at = xml.lastIndexOf(end);
        if (at < 0) {
            throw new AssertionError(file + " has no " + end + " to add to");
        }
        Files.writeString(file, xml.substring(0, at) + text + xml.substring(at), StandardCharsets.UTF_8);
    }

    private static void uncommentRemoteIpValve(Path serverXml) throws Exception {
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        Matcher recipe = REMOTE_IP_RECIPE.matcher(xml);
        if (!recipe.find()) {
            throw new AssertionError("tomcat-conf/server.xml no longer has the commented-out RemoteIpValve the docs describe");
        }
        Files.writeString(serverXml, xml.substring(0, recipe.start()) + "<!--" + recipe.group(1) + "-->\n        "
                + recipe.group(2) + xml.substring(recipe.end()), StandardCharsets.UTF_8);
    }

    private static void uncommentHttpsConnector(Path serverXml) throws Exception {
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        Matcher recipe = HTTPS_RECIPE.matcher(xml);
        if (!recipe.find()) {
            throw new AssertionError("tomcat-conf/server.xml no longer has the commented-out PEM connector the README describes");
        }
        Files.writeString(serverXml, xml.substring(0, recipe.start()) + recipe.group(1) + xml.substring(recipe.end()),
                StandardCharsets.UTF_8);
    }
}
