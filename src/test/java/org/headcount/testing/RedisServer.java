package org.headcount.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real redis-server (Debian's) on a free loopback port, without persistence; can be stopped and started again. */
public final class RedisServer implements AutoCloseable {

    private static final String BINARY = "/usr/bin/redis-server";
    private int port;
    private Process process;

    public RedisServer() throws Exception {
        if (!new File(BINARY).canExecute()) {
            throw new AssertionError(BINARY + " is missing: install Debian's redis-server (.ci/run does)");
        }
        // A port free a moment ago may be another build's by now: then our redis-server exits, and we try another.
        for (int attempt = 1; ; attempt++) {
            port = FreePort.next();
            try {
                start();
                return;
            } catch (AssertionError | IllegalStateException e) {
                stop();
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts redis-server and waits until it answers; fails if the one answering is not this one. */
    public void start() throws Exception {
        process = new ProcessBuilder(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Eventually.await("redis-server answers on port " + port, Duration.ofSeconds(20), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: port " + port + " is taken");
            }
            return ours();
        });
    }

    /** Whether the redis-server on the port is the one this started (its INFO names its process id). */
    private boolean ours() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[4096];
            for (int n; !reply.toString().contains("\r\nprocess_id:") || !reply.toString().contains("\r\nprocess_supervised");
                 reply.append(new String(buffer, 0, n, StandardCharsets.US_ASCII))) {
                if ((n = in.read(buffer)) < 0) {
                    return false;
                }
            }
            return reply.toString().contains("\r\nprocess_id:" + process.pid() + "\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills redis-server at once: everything it held is gone. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
