package org.headcount.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.headcount.count.HitCounter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.headcount.count.Ignored;

/**
 * The pixel's metrics. Counted hits cost nothing extra: {@code headcount_hits_total} is read from the counter's own
 * adders at scrape time. An ignored request pays one lock-free increment, on a label child made up front, so it
 * never looks a label up, and without exemplars, so it never samples either.
 */
public final class PixelMeter {

    private final CounterDataPoint[] ignored = new CounterDataPoint[Ignored.values().length];
    /** The same counts, for the dashboard. */
    private final LongAdder[] ignoredSoFar = new LongAdder[Ignored.values().length];

    PixelMeter(PrometheusRegistry registry, HitCounter counter) {
        CounterWithCallback.builder()
                .name("headcount_hits_total")
                .help("Pixel hits counted")
                .callback(total -> total.call(counter.countedTotal()))
                .register(registry);
        Counter ignoredCounter = Counter.builder()
                .name("headcount_hits_ignored_total")
                .help("Pixel requests answered but not counted, by reason (the X-Headcount-Ignored header)")
                .labelNames("reason")
                .withoutExemplars()
                .register(registry);
        for (Ignored reason : Ignored.values()) {
            ignored[reason.ordinal()] = ignoredCounter.labelValues(reason.header());
            ignoredSoFar[reason.ordinal()] = new LongAdder();
        }
    }

    /** One pixel request answered but not counted, for {@code why}. */
    public void ignored(Ignored why) {
        ignored[why.ordinal()].inc();
        ignoredSoFar[why.ordinal()].increment();
    }

    /** Pixel requests answered but not counted since start, by reason. */
    public Map<String, Long> ignoredByReason() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Ignored reason : Ignored.values()) {
            counts.put(reason.header(), ignoredSoFar[reason.ordinal()].sum());
        }
        return counts;
    }
}
