import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Bench only: join→seen latency of live notices on one crowded page. The members are {@link RawWs} connections
 * on one selector thread, so that reading 10,000 frames costs the client milliseconds, not the hundreds of
 * milliseconds java.net.http's per-message machinery took here, which would have been counted as server latency.
 * <pre>java NotifyLatency port=P members=10000 events=30 sample=10000 maxPauseMs=3000 seed=1 csv=FILE</pre>
 * Opens {@code members} sessions on /hot, then a probe session joins and leaves the page {@code events} times
 * (alternately), each after a random pause; for each event, every sampled member's delay from the probe's
 * move to the first frame showing the new count is recorded. Prints {@code LATENCY p50_ms=… p99_ms=… …} and
 * checks the server's liveSerializations: one per notice (plus the probe's own first frame per join), however
 * many members hear it. One line per event goes to the CSV.
 */
public final class NotifyLatency {

    private static final String PATH = "/headcount/live?page=/hot";
    private static final int CONNECT_BATCH = 500;

    /** A member: the latest count it saw, and when it first saw the count an event waits for. */
    static final class Member implements RawWs.Listener {
        volatile int online = -1;
        volatile int frames;
        volatile int awaited = Integer.MIN_VALUE;
        volatile long seenNanos;

        @Override
        public void onText(String text, long nanos) {
            int n = LiveLoad.Member.online(text);
            frames++;
            online = n;
            if (n == awaited && seenNanos == 0) {
                seenNanos = nanos;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opt.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int port = Integer.parseInt(opt.get("port"));
        int n = Integer.parseInt(opt.getOrDefault("members", "10000"));
        int events = Integer.parseInt(opt.getOrDefault("events", "30"));
        int sampleSize = Math.min(n, Integer.parseInt(opt.getOrDefault("sample", String.valueOf(n))));
        long maxPauseMs = Long.parseLong(opt.getOrDefault("maxPauseMs", "3000"));
        Random random = new Random(Long.parseLong(opt.getOrDefault("seed", "1")));
        String[] hosts = {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"};
        URI health = URI.create("http://127.0.0.1:" + port + "/headcount/health");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        RawWs ws = new RawWs(port);
        List<Member> members = new ArrayList<>();
        List<RawWs.Conn> conns = new ArrayList<>();
        for (int i = 0; i < n; i += CONNECT_BATCH) {
            List<RawWs.Conn> batch = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + CONNECT_BATCH); j++) {
                Member m = new Member();
                members.add(m);
                batch.add(ws.connect(hosts[j % hosts.length], PATH, m));
            }
            awaitOpen(batch, 60_000);
            conns.addAll(batch);
        }
        long failed = conns.stream().filter(c -> !c.open).count();
        int everyoneSeesAll = waitUntil(members, n, 60_000);
        System.out.printf("MEMBERS opened=%d failed=%d seeing_%d=%d%n", n - failed, failed, n, everyoneSeesAll);

        List<Member> sample = new ArrayList<>(members);
        java.util.Collections.shuffle(sample, random);
        sample = sample.subList(0, sampleSize);
        Member reference = members.get(0);
        long serializationsBefore = serializations(http, health);
        int framesBefore = reference.frames;
        List<long[]> all = new ArrayList<>();
        StringBuilder csv = new StringBuilder("event,kind,pause_ms,members_seen,missing,min_ms,p50_ms,p99_ms,max_ms\n");
        RawWs.Conn probe = null;
        int joins = 0;
        for (int e = 0; e < events; e++) {
            long pause = (long) (random.nextDouble() * maxPauseMs);
            Thread.sleep(pause);
            boolean join = probe == null;
            int expected = join ? n + 1 : n;
            for (Member m : sample) {
                m.seenNanos = 0;
                m.awaited = expected;
            }
            long t0 = System.nanoTime();
            if (join) {
                probe = ws.connect(hosts[0], PATH, new Member());
                joins++;
            } else {
                ws.close(probe);
                probe = null;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            long[] delays = new long[sample.size()];
            int seen;
            do {
                Thread.sleep(5);
                seen = 0;
                for (int i = 0; i < sample.size(); i++) {
                    long at = sample.get(i).seenNanos;
                    if (at != 0) {
                        delays[i] = at - t0;
                        seen++;
                    }
                }
            } while (seen < sample.size() && System.nanoTime() < deadline);
            long[] got = Arrays.stream(delays).filter(d -> d > 0).sorted().toArray();
            all.add(got);
            csv.append(String.format("%d,%s,%d,%d,%d,%.1f,%.1f,%.1f,%.1f%n", e + 1, join ? "join" : "leave", pause, seen,
                    sample.size() - seen, ms(pct(got, 0)), ms(pct(got, 50)), ms(pct(got, 99)), ms(pct(got, 100))));
            System.out.printf("EVENT %d %s pause_ms=%d seen=%d/%d min_ms=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", e + 1,
                    join ? "join" : "leave", pause, seen, sample.size(), ms(pct(got, 0)), ms(pct(got, 50)), ms(pct(got, 99)),
                    ms(pct(got, 100)));
        }
        if (probe != null) {
            ws.close(probe);
        }
        Thread.sleep(3000); // the last notices settle
        long serializations = serializations(http, health) - serializationsBefore;
        int notices = reference.frames - framesBefore;
        long[] pooled = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long expectedSamples = (long) events * sample.size();
        System.out.printf("LATENCY samples=%d missing=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                pooled.length, expectedSamples - pooled.length, ms(pct(pooled, 50)), ms(pct(pooled, 90)),
                ms(pct(pooled, 99)), ms(pct(pooled, 100)));
        System.out.printf("SERIALIZATIONS during_events=%d notices_heard_by_a_member=%d probe_joins=%d members=%d%n",
                serializations, notices, joins, n);
        if (opt.containsKey("csv")) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(opt.get("csv")), csv);
        }
        System.exit(0);
    }

    private static void awaitOpen(List<RawWs.Conn> batch, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (batch.stream().anyMatch(c -> !c.open && !c.failed && !c.closed) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Waits until every member's latest frame shows {@code count}; answers how many do. */
    private static int waitUntil(List<Member> members, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int ok;
        do {
            Thread.sleep(200);
            ok = (int) members.stream().filter(m -> m.online == count).count();
        } while (ok < members.size() && System.nanoTime() < deadline);
        return ok;
    }

    private static long serializations(HttpClient http, URI health) throws Exception {
        String body = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"liveSerializations\":");
        int from = at + "\"liveSerializations\":".length();
        int to = from;
        while (to < body.length() && Character.isDigit(body.charAt(to))) {
            to++;
        }
        return Long.parseLong(body.substring(from, to));
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
