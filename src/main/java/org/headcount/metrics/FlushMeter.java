package org.headcount.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.headcount.flush.FlushResult;

/** Counts flushes by outcome and times them; fed every flush result by the flush scheduler. */
public final class FlushMeter implements Consumer<FlushResult> {

    /** Every outcome a flush can have, so each series exists (at 0) from the start. */
    static final String[] OUTCOMES = {"delivered", "failed", "discarded", "empty", "logged"};
    /** From a quick local POST to the default flushTimeout of 10 s, and retries of several batches beyond it. */
    private static final double[] DURATION_BUCKETS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Counter flushes;
    private final Map<String, CounterDataPoint> byOutcome = new HashMap<>();
    private final Histogram duration;

    FlushMeter(PrometheusRegistry registry) {
        flushes = Counter.builder()
                .name("headcount_flushes_total")
                .help("Flushes by outcome: delivered, failed, discarded, empty, or logged (no endpoint)")
                .labelNames("outcome")
                .withoutExemplars()
                .register(registry);
        for (String outcome : OUTCOMES) {
            byOutcome.put(outcome, flushes.labelValues(outcome));
        }
        duration = Histogram.builder()
                .name("headcount_flush_duration_seconds")
                .help("How long each flush took, every pending batch's POST included")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(DURATION_BUCKETS_SECONDS)
                .withoutExemplars()
                .register(registry);
    }

    @Override
    public void accept(FlushResult result) {
        CounterDataPoint outcome = byOutcome.get(result.outcome());
        (outcome != null ? outcome : flushes.labelValues(result.outcome())).inc();
        duration.observe(result.durationMs() / 1000.0);
    }
}
