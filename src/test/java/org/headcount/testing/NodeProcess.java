package org.headcount.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Headcount node in a JVM of its own, so a test can kill it the hard way (SIGKILL: no goodbye, no final
 * flush), as a crashed machine would. {@link #main} is what runs in that JVM.
 */
public final class NodeProcess implements Deployment, AutoCloseable {

    private final Process process;
    private final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a node with {@code params} as context-params and waits for it to serve. */
    public static NodeProcess start(Map<String, String> params) throws Exception {
        return start(params, List.of());
    }

    /** The same, with options for the node's JVM such as {@code -Xmx256m}. */
    public static NodeProcess start(Map<String, String> params, List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dheadcount.war=" + EmbeddedHeadcount.war(), "-cp", System.getProperty("java.class.path"),
                NodeProcess.class.getName()));
        params.forEach((name, value) -> command.add(name + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("HEADCOUNT_PORT ")) {
                int port = Integer.parseInt(line.substring("HEADCOUNT_PORT ".length()));
                java.nio.file.Path log = java.nio.file.Path.of("target", "node-" + port + ".log");
                Thread drain = new Thread(() -> {
                    try (java.io.PrintWriter file = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(log))) {
                        out.lines().forEach(file::println); // kept for a person reading a failure
                    } catch (java.io.IOException e) {
                        out.lines().forEach(l -> { });
                    }
                }, "node-output");
                drain.setDaemon(true);
                drain.start();
                return new NodeProcess(process, port);
            }
        }
        throw new AssertionError("the node process ended before serving (exit " + process.waitFor() + ")");
    }

    @Override
    public int port() {
        return port;
    }

    /** SIGKILL: the node vanishes without a goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            params.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        EmbeddedHeadcount server = EmbeddedHeadcount.start(params);
        System.out.println("HEADCOUNT_PORT " + server.port());
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(); // serve until killed
    }
}
