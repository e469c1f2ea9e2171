import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.headcount.live.Presence;

/**
 * Bench only: Redis commands per change and agreement time of a cluster of {@code nodes} {@link ClusterNode} JVMs
 * sharing one redis-server on 127.0.0.1.
 * <pre>java ClusterScale redisPort=P nodes=4 pages=1000 members=3 rate=200 churnS=10 nodeTimeoutMs=3000 logDir=D</pre>
 * Starts the nodes, waits until every node's view equals the truth (the merge of every node's own presence, a
 * visitor on several nodes once), resets Redis's stats, lets every node churn for {@code churnS} seconds, reads
 * INFO commandstats, then times how long after the last change every view equals the truth again, and checks that
 * it stays so for nodeTimeout more. Prints {@code COMMANDS name=calls …} and one {@code RESULT key=value …} line.
 */
public final class ClusterScale {

    /** Commands that are the bench's or a client's housekeeping, not the cluster's work. */
    static final Set<String> HOUSEKEEPING = Set.of("info", "config", "client", "hello", "command");
    private static final long POLL_MS = 20;

    /** A node JVM, its stdin, and its stdout lines as they come. */
    private record Node(int index, Process process, PrintWriter in, BlockingQueue<String> out) {
        String ask(String command, String answerPrefix, long timeoutMs) throws InterruptedException {
            in.println(command);
            return await(answerPrefix, timeoutMs);
        }

        String await(String prefix, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                String line = out.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException("node " + index + ": no " + prefix + " within " + timeoutMs + "ms"
                            + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")"));
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
                System.err.println("node " + index + ": " + line);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String arg : args) {
            opt.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        int n = Integer.parseInt(opt.get("nodes"));
        String port = opt.get("redisPort");
        long nodeTimeoutMs = Long.parseLong(opt.getOrDefault("nodeTimeoutMs", "3000"));
        long churnMs = Math.round(Double.parseDouble(opt.getOrDefault("churnS", "10")) * 1000);
        long agreementLimitMs = Math.max(30_000, 10 * nodeTimeoutMs);
        List<Node> nodes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.forEach(node -> node.process().destroyForcibly())));
        for (int i = 0; i < n; i++) {
            nodes.add(start(i, opt, port, nodeTimeoutMs));
        }
        for (Node node : nodes) {
            node.await("READY", 120_000);
        }
        long readyMs = agreement(nodes, truth(nodes), 60_000);
        if (readyMs < 0) {
            throw new IllegalStateException("the nodes did not agree within 60 s of starting");
        }
        redisCli(port, "CONFIG", "RESETSTAT");
        double cpuBefore = redisCpuMs(port);
        long churnStart = System.nanoTime();
        nodes.forEach(node -> node.in().println("CHURN"));
        Thread.sleep(churnMs); // the churn's length: the nodes pace their own changes
        nodes.forEach(node -> node.in().println("STOP"));
        long changes = 0;
        for (Node node : nodes) {
            changes += Long.parseLong(node.await("STOPPED changes=", 10_000));
        }
        long lastChange = System.nanoTime();
        double churnS = (lastChange - churnStart) / 1e9;
        String commandstats = redisCli(port, "INFO", "commandstats");
        double redisCpuMs = redisCpuMs(port) - cpuBefore;
        long agreementMs = agreement(nodes, truth(nodes), agreementLimitMs, lastChange);
        boolean stable = agreementMs >= 0 && stays(nodes, truth(nodes), nodeTimeoutMs);

        Map<String, Long> calls = calls(commandstats);
        long commands = calls.entrySet().stream().filter(e -> !HOUSEKEEPING.contains(e.getKey().split("\\|")[0]))
                .mapToLong(Map.Entry::getValue).sum();
        StringBuilder breakdown = new StringBuilder("COMMANDS");
        calls.forEach((name, count) -> breakdown.append(' ').append(name).append('=').append(count));
        System.out.println(breakdown);
        System.out.printf("RESULT nodes=%d pages=%s members=%s rate=%s changes=%d churn_s=%.2f commands=%d"
                        + " cmd_per_s_per_node=%.1f cmd_per_change=%.4f ready_agreement_ms=%d agreement_ms=%d stable=%s"
                        + " node_timeout_ms=%d redis_cpu_ms=%.0f redis_cpu_us_per_change=%.2f%n",
                n, opt.get("pages"), opt.get("members"), opt.get("rate"), changes, churnS, commands,
                commands / churnS / n, (double) commands / changes, readyMs, agreementMs, stable ? "yes" : "no",
                nodeTimeoutMs, redisCpuMs, redisCpuMs * 1000 / changes);
        for (Node node : nodes) {
            node.in().println("QUIT");
        }
        for (Node node : nodes) {
            if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
                node.process().destroyForcibly();
            }
        }
        System.exit(0);
    }

    private static Node start(int index, Map<String, String> opt, String port, long nodeTimeoutMs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "ClusterNode", "redis=redis://127.0.0.1:" + port,
                "pages=" + opt.get("pages"), "members=" + opt.get("members"), "rate=" + opt.get("rate"),
                "nodeTimeoutMs=" + nodeTimeoutMs, "seed=" + (index + 1));
        builder.redirectError(new File(opt.get("logDir"), "cluster-node-" + opt.get("nodes") + "-" + index + ".log"));
        Process process = builder.start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (Exception e) {
                out.add("EXITED " + e.getMessage());
            }
        }, "node-" + index + "-out");
        reader.setDaemon(true);
        reader.start();
        return new Node(index, process, new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8), out);
    }

    /** The cluster-wide count each page should show: every node's own presence merged, a visitor once. */
    private static Map<String, Integer> truth(List<Node> nodes) throws InterruptedException {
        Map<String, Presence> merged = new HashMap<>();
        for (Node node : nodes) {
            String local = node.ask("LOCAL", "LOCAL", 30_000);
            for (String entry : local.isEmpty() ? new String[0] : local.split("\\|")) {
                int eq = entry.indexOf('=');
                merged.merge(entry.substring(0, eq), Presence.decode(entry.substring(eq + 1)), Presence::with);
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        merged.forEach((page, presence) -> counts.put(page, presence.count(true)));
        return counts;
    }

    private static Map<String, Integer> view(Node node) throws InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        String view = node.ask("VIEW", "VIEW", 30_000);
        for (String entry : view.isEmpty() ? new String[0] : view.split(",")) {
            int eq = entry.indexOf('=');
            counts.put(entry.substring(0, eq), Integer.parseInt(entry.substring(eq + 1)));
        }
        return counts;
    }

    private static long agreement(List<Node> nodes, Map<String, Integer> truth, long limitMs) throws InterruptedException {
        return agreement(nodes, truth, limitMs, System.nanoTime());
    }

    /** Milliseconds from {@code sinceNanos} until every node's view equals {@code truth}, or -1 past {@code limitMs}. */
    private static long agreement(List<Node> nodes, Map<String, Integer> truth, long limitMs, long sinceNanos)
            throws InterruptedException {
        int disagreeing = nodes.size();
        while (System.nanoTime() - sinceNanos < TimeUnit.MILLISECONDS.toNanos(limitMs)) {
            disagreeing = 0;
            for (Node node : nodes) {
                if (!view(node).equals(truth)) {
                    disagreeing++;
                    break; // one is enough to poll again
                }
            }
            if (disagreeing == 0) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
            }
            Thread.sleep(POLL_MS); // polling with a deadline: the views are another process's
        }
        for (Node node : nodes) {
            Map<String, Integer> view = view(node);
            long wrong = truth.keySet().stream().filter(p -> !truth.get(p).equals(view.get(p))).count()
                    + view.keySet().stream().filter(p -> !truth.containsKey(p)).count();
            System.err.println("node " + node.index() + " still differs from the truth on " + wrong + " pages");
        }
        return -1;
    }

    /** Whether every view still equals {@code truth} throughout {@code forMs} (no lease lapsing under load). */
    private static boolean stays(List<Node> nodes, Map<String, Integer> truth, long forMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(forMs);
        while (System.nanoTime() < end) {
            for (Node node : nodes) {
                if (!view(node).equals(truth)) {
                    System.err.println("node " + node.index() + " left agreement after reaching it");
                    return false;
                }
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** {@code cmdstat_<name>:calls=<n>,…} lines of INFO commandstats, by name. */
    static Map<String, Long> calls(String commandstats) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : commandstats.split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String count = line.substring(line.indexOf("calls=") + "calls=".length(), line.indexOf(','));
                calls.put(name, Long.parseLong(count));
            }
        }
        return calls;
    }

    /** Redis's own CPU time so far (user + system, every thread of the server), in milliseconds. */
    private static double redisCpuMs(String port) throws Exception {
        double total = 0;
        for (String line : redisCli(port, "INFO", "cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()) * 1000;
            }
        }
        return total;
    }

    private static String redisCli(String port, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", port));
        argv.addAll(List.of(command));
        Process cli = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            cli.destroyForcibly();
            throw new IllegalStateException("redis-cli " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
