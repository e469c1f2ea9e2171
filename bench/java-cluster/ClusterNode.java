import jakarta.json.bind.JsonbBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.headcount.cluster.RedisCluster;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.live.Frame;
import org.headcount.live.Presence;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.RemoteCounts;
import org.headcount.live.Subscriber;
import org.headcount.live.Transport;

/**
 * Bench only: one Headcount cluster node (the real PresenceRegistry and RedisCluster) in a JVM of its own, driven by
 * {@link ClusterScale} with one command per stdin line, answered with one stdout line.
 * <pre>java ClusterNode redis=redis://127.0.0.1:P pages=1000 members=3 rate=200 nodeTimeoutMs=3000 seed=1</pre>
 * Joins {@code members} fake members on each of the shared pages /page-0 … (one without a visitor id, the others
 * with ids drawn from a few per page, so the same visitor is often on several nodes), then prints READY. Commands:
 * CHURN (a join or a leave on a random page, {@code rate} times a second, until STOP), STOP (answers the changes
 * made), LOCAL (this node's own presence per page), VIEW (its cluster-wide count per page), QUIT. End of input quits.
 */
public final class ClusterNode {

    /** Ids per page that visitors are drawn from: small, so that one visitor is often on several nodes. */
    private static final int VISITORS_PER_PAGE = 8;

    /** A fake connection: the registry only needs a distinct subscriber per member. */
    private static final class Quiet implements Subscriber {
        @Override public Transport transport() { return Transport.WEBSOCKET; }
        @Override public void send(Frame frame) { }
        @Override public void heartbeat() { }
        @Override public void close(Closing why) { }
    }

    private final PresenceRegistry registry;
    private final List<List<PresenceRegistry.Member>> members = new ArrayList<>();
    private final int initialPerPage;
    private final Random random;
    private final ScheduledExecutorService churner = Executors.newSingleThreadScheduledExecutor();
    // Touched only by the churner thread, read after it has been stopped.
    private long changes;

    private ClusterNode(PresenceRegistry registry, int pages, int initialPerPage, long seed) {
        this.registry = registry;
        this.initialPerPage = initialPerPage;
        this.random = new Random(seed);
        for (int i = 0; i < pages; i++) {
            members.add(new ArrayList<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String arg : args) {
            opt.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        int pages = Integer.parseInt(opt.get("pages"));
        long nodeTimeoutMs = Long.parseLong(opt.get("nodeTimeoutMs"));
        Map<String, String> settings = Map.of("redisUrl", opt.get("redis"), "nodeTimeout", nodeTimeoutMs + "ms",
                "countBy", "visitors", "maxPages", String.valueOf(Math.max(100_000, pages * 2)));
        Config config = new ConfigLoader(List.of(new ConfigLoader.Source("bench", settings::get))).load(Path.of("/tmp"));
        RemoteCounts remote = RemoteCounts.clustered();
        // The notifier (registry.tick) is left out: it sends frames to members and never talks to Redis.
        PresenceRegistry registry = new PresenceRegistry(config, JsonbBuilder.create(),
                () -> System.nanoTime() / 1_000_000, remote);
        ClusterNode node = new ClusterNode(registry, pages, Integer.parseInt(opt.get("members")),
                Long.parseLong(opt.get("seed")));
        for (int page = 0; page < pages; page++) {
            for (int m = 0; m < node.initialPerPage; m++) {
                node.join(page, m == 0);
            }
        }
        try (RedisCluster cluster = new RedisCluster(config.redisUrl(), nodeTimeoutMs, registry, remote)) {
            System.out.println("READY");
            node.serve(Integer.parseInt(opt.get("rate")));
        }
        System.exit(0);
    }

    private void serve(int rate) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ScheduledFuture<?> churn = null;
        for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
                case "CHURN" -> churn = churner.scheduleAtFixedRate(this::change, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
                case "STOP" -> {
                    if (churn != null) {
                        churn.cancel(false);
                    }
                    churner.submit(() -> { }).get(); // a change in progress has ended
                    System.out.println("STOPPED changes=" + changes);
                }
                case "LOCAL" -> {
                    StringJoiner out = new StringJoiner("|", "LOCAL ", "");
                    registry.localPresence().forEach((page, presence) -> {
                        if (presence.connections() > 0) {
                            out.add(page + "=" + presence.encode());
                        }
                    });
                    System.out.println(out);
                }
                case "VIEW" -> {
                    StringJoiner out = new StringJoiner(",", "VIEW ", "");
                    registry.stats(false).forEach((page, stats) -> {
                        if (stats.members() > 0) {
                            out.add(page + "=" + stats.members());
                        }
                    });
                    System.out.println(out);
                }
                case "QUIT" -> {
                    churner.shutdownNow();
                    return;
                }
                default -> System.out.println("ERROR unknown command " + line);
            }
        }
        churner.shutdownNow();
    }

    /** One change: a join or a leave on a random page, keeping each page between 1 and twice its first members. */
    private void change() {
        try {
            int page = random.nextInt(members.size());
            List<PresenceRegistry.Member> here = members.get(page);
            boolean join = here.size() <= 1 || (here.size() < 2 * initialPerPage && random.nextBoolean());
            if (join) {
                join(page, random.nextInt(3) == 0);
            } else {
                registry.leave(here.remove(random.nextInt(here.size())));
            }
            changes++;
        } catch (Exception e) {
            System.err.println("change failed: " + e); // keep churning: one failure must not end the schedule
        }
    }

    private void join(int page, boolean anonymous) {
        String visitor = anonymous ? null : "visitor-" + page + "-" + random.nextInt(VISITORS_PER_PAGE);
        try {
            members.get(page).add(registry.join("/page-" + page, visitor, null, new Quiet()));
        } catch (Exception e) {
            throw new IllegalStateException("join /page-" + page + " refused: " + e.getMessage(), e);
        }
    }
}
