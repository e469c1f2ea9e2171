package org.headcount.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The WAR running in a container distribution's own JVM: where it answers, where its files are, and how to stop it. */
public final class DeployedServer implements Deployment, AutoCloseable {

    private final String name;
    private final int port;
    private final Path base;
    private final List<String> extraContexts;
    private volatile ServerProcess process;

    DeployedServer(String name, int port, Path base, ServerProcess process) {
        this(name, port, base, process, List.of());
    }

    /** {@code extraContexts}: more copies of the WAR, at /name each, that must answer before the server is ready. */
    DeployedServer(String name, int port, Path base, ServerProcess process, List<String> extraContexts) {
        this.name = name;
        this.port = port;
        this.base = base;
        this.process = process;
        this.extraContexts = List.copyOf(extraContexts);
    }

    @Override
    public int port() {
        return port;
    }

    /** The container's base directory (catalina.base, jetty.base). */
    public Path base() {
        return base;
    }

    /** The whole console log (stdout and stderr) of the current run of the container. */
    public String log() throws IOException {
        return process.log();
    }

    /** The last lines of the current run's console log, for failure messages. */
    public String tail() {
        return process.tail();
    }

    /** Returns once /headcount/health and each extra context's /name/health answer 200; stops the container if not. */
    DeployedServer awaitReady() throws Exception {
        process.awaitReady(uri("/health"), Distributions.READY_WITHIN);
        for (String context : extraContexts) {
            process.awaitReady(URI.create("http://127.0.0.1:" + port + "/" + context + "/health"), Distributions.READY_WITHIN);
        }
        return this;
    }

    /** SIGKILLs the container's whole process tree, no final flush, and returns once every member has exited. */
    public void kill() {
        process.kill();
    }

    /** Stops the container as {@link #close()} does and answers how long it took from SIGTERM to the tree's exit. */
    public Duration stop() {
        return process.stop();
    }

    /**
     * Starts the container again, same command, base and port (stopping it first if it still runs), and returns once
     * it is ready; its console log starts afresh in a file next to the previous one.
     */
    public DeployedServer restart() throws Exception {
        process = process.restart();
        return awaitReady();
    }

    @Override
    public String toString() {
        return name + " on port " + port + " (" + base + ")";
    }

    /** Stops the container (the WAR's final flush runs) and, if it hangs, kills it. Idempotent. */
    @Override
    public void close() {
        process.close();
    }
}
