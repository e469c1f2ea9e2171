package org.headcount.testing;

import java.nio.file.Path;

/** The WAR running in a container distribution's own JVM: where it answers, where its files are, and how to stop it. */
public final class DeployedServer implements Deployment, AutoCloseable {

    private final String name;
    private final int port;
    private final Path base;
    private final ServerProcess process;

    DeployedServer(String name, int port, Path base, ServerProcess process) {
        this.name = name;
        this.port = port;
        this.base = base;
        this.process = process;
    }

    @Override
    public int port() {
        return port;
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
