package org.headcount.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server run as a child process (a container distribution, or Maven running one) with its output in a log file,
 * that is always stopped with its whole process tree: by {@link #close()}, or by a shutdown hook if this JVM exits
 * first. Stopping is polite first (SIGTERM, so a container runs its shutdown hooks and Headcount its final flush),
 * then forced. It can also be killed outright, timed while stopping, and started again as the same command.
 */
public final class ServerProcess implements AutoCloseable {

    /** How long a container may take to stop cleanly (Headcount's final flush has a 10 s timeout) before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final Duration KILLED = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 60;

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path dir;
    private final Path firstLog;
    private final int run;
    private final Process process;
    private final Path log;
    private final Thread hook;
    private boolean closed;

    private ServerProcess(String name, List<String> command, Map<String, String> env, Path dir, Path firstLog, int run)
            throws IOException {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.dir = dir;
        this.firstLog = firstLog;
        this.run = run;
        this.log = run == 1 ? firstLog : numbered(firstLog, run);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        this.process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close(); // nothing to say on its stdin: it reads end of file
        this.hook = new Thread(this::stopTree, "stop " + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Runs {@code command} in {@code dir}, its output (stdout and stderr) going to {@code log}. */
    public static ServerProcess start(String name, List<String> command, Path dir, Path log) throws IOException {
        return start(name, command, Map.of(), dir, log);
    }

    /** As {@link #start(String, List, Path, Path)}, with {@code env} added to this JVM's environment. */
    public static ServerProcess start(String name, List<String> command, Map<String, String> env, Path dir, Path log)
            throws IOException {
        return new ServerProcess(name, command, env, dir, log, 1);
    }

    /**
     * Stops this process if it still runs, then starts the same command in the same directory again; run n logs to
     * the first log's name with {@code .n} before its extension (console.log, console.2.log, ...).
     */
    public ServerProcess restart() throws IOException {
        close();
        return new ServerProcess(name, command, env, dir, firstLog, run + 1);
    }

    private static Path numbered(Path log, int run) {
        String file = log.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return log.resolveSibling(dot < 0 ? file + "." + run : file.substring(0, dot) + "." + run + file.substring(dot));
    }

    /**
     * Returns once {@code health} answers 200. Fails at once if the process exits, and after {@code within}
     * otherwise, either way with the end of its log; the process is stopped before failing.
     */
    public ServerProcess awaitReady(URI health, Duration within) throws Exception {
        try {
            Eventually.await(name + " answering 200 at " + health, within, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with status " + process.exitValue() + " before it was ready");
                }
                return answers200(health);
            });
            return this;
        } catch (AssertionError | Exception e) {
            close();
            throw new AssertionError(e.getMessage() + "; " + name + "'s log (" + log + ") ends:\n" + tail(), e);
        }
    }

    private static boolean answers200(URI uri) throws InterruptedException {
        try {
            HttpResponse<Void> response = Http.CLIENT.send(Http.request(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The process and every process it started, as of now. */
    public List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        return tree;
    }

    /** The last lines of this run's log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** This run's whole log so far. */
    public String log() throws IOException {
        // Not readString: a line the process is half-way through writing may end in a partial UTF-8 sequence.
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    public Path logFile() {
        return log;
    }

    /** Stops the process tree, politely and then by force. Idempotent. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops the process tree like {@link #close()} and answers how long it took from the SIGTERM until every member
     * had exited; zero if it was already stopped.
     */
    public synchronized Duration stop() {
        if (closed) {
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        stopTree();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        forgetHook();
        return took;
    }

    /** SIGKILLs every member of the process tree at once, with no polite step, and waits until all have exited. */
    public synchronized void kill() {
        if (closed) {
            return;
        }
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle member : tree) {
            awaitExit(member, KILLED);
            if (member.isAlive()) {
                throw new AssertionError(name + ": process " + member.pid() + " still runs " + KILLED + " after SIGKILL");
            }
        }
        forgetHook();
    }

    private void forgetHook() {
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing left to undo
        }
    }

    private void stopTree() {
        // Taken before the root goes: children outliving it are re-parented and no longer its descendants.
        List<ProcessHandle> tree = tree();
        long deadline = System.nanoTime() + GRACE.toNanos();
        // The root first (Maven stops the Tomcat it forked itself), then whatever it left running.
        for (ProcessHandle member : tree) {
            member.destroy();
            awaitExit(member, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        for (ProcessHandle member : tree) {
            if (member.isAlive()) {
                System.err.println(name + ": process " + member.pid() + " did not stop within " + GRACE + "; killing it");
                member.destroyForcibly();
                awaitExit(member, KILLED);
            }
        }
    }

    private static void awaitExit(ProcessHandle member, Duration within) {
        try {
            member.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception stillRunning) {
            // handled by the caller, which checks isAlive()
        }
    }
}
