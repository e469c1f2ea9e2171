import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bench only: opens many /live WebSocket sessions with java.net.http and checks they all receive.
 * <pre>java LiveLoad port=P hosts=127.0.0.1,127.0.0.2 plan=hot:/hot:10000 | plan=spread:/spread/:10000:SEED
 *      stop=FILE maxSeconds=S [inflight=200] [settleSeconds=40]</pre>
 * {@code hot} puts every session on one page; {@code spread} puts 1–10 sessions on each of many pages (sizes from
 * a seeded Random). Connections go round-robin to the given loopback addresses, so more than one ephemeral port
 * range is available. Prints {@code CONNECTED sessions=… failed=… seconds=…}, then, once every session's latest
 * frame shows its page's full count (or settleSeconds pass), {@code RECEIVING ok=… stale=… silent=…}; then holds
 * the sessions until file {@code stop} exists or maxSeconds pass, closes them and prints {@code CLOSED}.
 */
public final class LiveLoad {

    /** One session's view: frames received and the latest count. */
    static final class Member implements WebSocket.Listener {
        final String page;
        final int expected;
        volatile int frames;
        volatile int lastOnline = -1;
        private final StringBuilder text = new StringBuilder();

        Member(String page, int expected) {
            this.page = page;
            this.expected = expected;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                lastOnline = online(text);
                frames++;
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        /** The "online" figure of a {"page":…,"online":N} frame. */
        static int online(CharSequence json) {
            String s = json.toString();
            int at = s.lastIndexOf("\"online\":");
            if (at < 0) {
                return -1;
            }
            int from = at + 9;
            int to = from;
            while (to < s.length() && Character.isDigit(s.charAt(to))) {
                to++;
            }
            return Integer.parseInt(s.substring(from, to));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opt.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int port = Integer.parseInt(opt.get("port"));
        String[] hosts = opt.getOrDefault("hosts", "127.0.0.1").split(",");
        Path stop = Path.of(opt.get("stop"));
        long maxSeconds = Long.parseLong(opt.getOrDefault("maxSeconds", "600"));
        int inflight = Integer.parseInt(opt.getOrDefault("inflight", "200"));
        long settleSeconds = Long.parseLong(opt.getOrDefault("settleSeconds", "40"));
        List<Member> members = plan(opt.get("plan"));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        List<WebSocket> sockets = new ArrayList<>(members.size());
        Semaphore permits = new Semaphore(inflight);
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(members.size());
        long start = System.nanoTime();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            URI uri = URI.create("ws://" + hosts[i % hosts.length] + ":" + port + "/headcount/live?page="
                    + URLEncoder.encode(m.page, StandardCharsets.UTF_8));
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("handshakes stalled");
            }
            http.newWebSocketBuilder().buildAsync(uri, m).whenComplete((ws, error) -> {
                permits.release();
                if (error != null) {
                    if (failed.getAndIncrement() < 5) {
                        System.out.println("FAILED " + error);
                    }
                } else {
                    synchronized (sockets) {
                        sockets.add(ws);
                    }
                }
                done.countDown();
            });
        }
        done.await(120, TimeUnit.SECONDS);
        System.out.printf("CONNECTED sessions=%d failed=%d seconds=%.1f%n", sockets.size(), failed.get(),
                (System.nanoTime() - start) / 1e9);

        long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
        int ok;
        int stale;
        int silent;
        do {
            Thread.sleep(500);
            ok = 0;
            stale = 0;
            silent = 0;
            for (Member m : members) {
                if (m.frames == 0) {
                    silent++;
                } else if (m.lastOnline == m.expected) {
                    ok++;
                } else {
                    stale++;
                }
            }
        } while (ok < members.size() && System.nanoTime() < settleDeadline);
        long frames = members.stream().mapToLong(m -> m.frames).sum();
        System.out.printf("RECEIVING ok=%d stale=%d silent=%d frames=%d seconds=%.1f%n", ok, stale, silent, frames,
                (System.nanoTime() - start) / 1e9);

        long holdDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!Files.exists(stop) && System.nanoTime() < holdDeadline) {
            Thread.sleep(200);
        }
        int open = 0;
        for (WebSocket ws : sockets) {
            if (!ws.isOutputClosed()) {
                open++;
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done");
        }
        Thread.sleep(2000);
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        System.out.printf("CLOSED still_open_before_close=%d%n", open);
        System.exit(0);
    }

    /** hot:PAGE:N, or spread:PREFIX:N:SEED (pages of 1–10 sessions). */
    static List<Member> plan(String plan) {
        String[] p = plan.split(":");
        List<Member> members = new ArrayList<>();
        int n = Integer.parseInt(p[2]);
        if (p[0].equals("hot")) {
            for (int i = 0; i < n; i++) {
                members.add(new Member(p[1], n));
            }
            return members;
        }
        Random random = new Random(Long.parseLong(p[3]));
        for (int page = 0; members.size() < n; page++) {
            int size = Math.min(1 + random.nextInt(10), n - members.size());
            for (int i = 0; i < size; i++) {
                members.add(new Member(p[1] + page, size));
            }
        }
        return members;
    }
}
