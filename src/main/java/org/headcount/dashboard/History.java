package org.headcount.dashboard;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.headcount.DaemonThreads;
import org.headcount.flush.FlushResult;

/**
 * The dashboard's chart data for the last hour, in memory and bounded: one sample per flush (hits taken, keys,
 * outcome, duration), and the total online every {@link #ONLINE_SAMPLE_MS}, taken on a daemon thread of its own.
 * Lost at restart, by design: the hits themselves went to the endpoint.
 */
public final class History implements Consumer<FlushResult>, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(History.class.getName());
    private static final long STOP_WAIT_MS = 1_000;

    /** How far back the chart looks. */
    public static final long WINDOW_MS = 3_600_000;
    public static final long ONLINE_SAMPLE_MS = 10_000;
    /** An hour of samples at {@link #ONLINE_SAMPLE_MS}. */
    static final int ONLINE_SAMPLES = (int) (WINDOW_MS / ONLINE_SAMPLE_MS);
    /** An hour of flushes at a 5 s interval; with shorter intervals the chart covers less than the hour. */
    static final int FLUSH_SAMPLES = 720;

    /** One flush: when it finished and what it took from the counter. */
    @JsonbPropertyOrder({"at", "hits", "keys", "outcome", "durationMs"})
    public record FlushSample(long at, long hits, int keys, String outcome, long durationMs) {}

    /** Members on all pages at one moment. */
    @JsonbPropertyOrder({"at", "online"})
    public record OnlineSample(long at, int online) {}

    /** What {@code /dashboard/history} answers: samples from the last {@code windowMs}, oldest first. */
    @JsonbPropertyOrder({"windowMs", "flushes", "online"})
    public record Samples(long windowMs, List<FlushSample> flushes, List<OnlineSample> online) {}

    private final Ring<FlushSample> flushes = new Ring<>(FLUSH_SAMPLES);
    private final Ring<OnlineSample> online = new Ring<>(ONLINE_SAMPLES);
    private final IntSupplier totalOnline;
    private final LongSupplier clockEpochMs;
    private final ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("headcount-history"));
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Samples {@code totalOnline} now and every {@link #ONLINE_SAMPLE_MS}. */
    public History(IntSupplier totalOnline, LongSupplier clockEpochMs) {
        this.totalOnline = totalOnline;
        this.clockEpochMs = clockEpochMs;
        sampler.scheduleWithFixedDelay(this::sampleOnline, 0, ONLINE_SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    /** Records one flush; called on the flush thread. */
    @Override
    public void accept(FlushResult result) {
        flushes.add(new FlushSample(result.atEpochMs(), result.hitsTaken(), result.keysTaken(), result.outcome(),
                result.durationMs()));
    }

    void sampleOnline() {
        try {
            online.add(new OnlineSample(clockEpochMs.getAsLong(), totalOnline.getAsInt()));
        } catch (RuntimeException e) {
            // One bad sample must not end the schedule.
            LOG.log(System.Logger.Level.WARNING, "Online sample failed: {0}", e.toString());
        }
    }

    /** The samples of the last {@link #WINDOW_MS}. */
    public Samples lastHour() {
        long since = clockEpochMs.getAsLong() - WINDOW_MS;
        return new Samples(WINDOW_MS, flushes.items(s -> s.at() >= since), online.items(s -> s.at() >= since));
    }

    /** Stops sampling, waiting at most {@link #STOP_WAIT_MS}. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
