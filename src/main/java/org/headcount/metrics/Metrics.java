package org.headcount.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.headcount.count.HitCounter;
import org.headcount.flush.FlushScheduler;
import org.headcount.live.LiveMeters;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.Transport;

/**
 * Headcount's Prometheus metrics in a registry of this deployment's own (never the client's static default
 * registry, which outlives a redeploy and would refuse the same names twice), with the JVM's metrics beside them.
 * Figures that already exist elsewhere (pending keys, live connections) are read at scrape time, not copied.
 */
public final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HitCounter counter;
    private final PixelMeter pixel;
    private final FlushMeter flush = new FlushMeter(registry);

    public Metrics(HitCounter counter) {
        this.counter = counter;
        pixel = new PixelMeter(registry, counter);
        registerJvmMetrics();
    }

    /** Where {@code /metrics} reads from. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public PixelMeter pixel() {
        return pixel;
    }

    public FlushMeter flush() {
        return flush;
    }

    /** Adds the gauges read from the counter, the flush scheduler and the live registry at each scrape. */
    public void watch(FlushScheduler flushes, PresenceRegistry presence) {
        GaugeWithCallback.builder().name("headcount_keys_pending").help("Distinct keys counted since the last flush")
                .callback(gauge -> gauge.call(counter.pendingKeys())).register(registry);
        GaugeWithCallback.builder().name("headcount_batches_pending").help("Batches in the outbox waiting to be (re-)sent")
                .callback(gauge -> gauge.call(flushes.pendingBatches())).register(registry);
        CounterWithCallback.builder().name("headcount_batches_too_large_total")
                .help("Batches the endpoint refused as too large (HTTP 413): its body limit is below maxBodyBytes")
                .callback(counter -> counter.call(flushes.batchesTooLarge())).register(registry);
        GaugeWithCallback.builder().name("headcount_live_pages").help("Live pages known to this node, empty ones until forgotten")
                .callback(gauge -> gauge.call(presence.pages())).register(registry);
        LiveMeters live = presence.meters();
        GaugeWithCallback.builder().name("headcount_live_connections")
                .help("Open live connections by transport (websocket includes dashboard watchers)")
                .labelNames("transport")
                .callback(gauge -> {
                    for (Transport transport : Transport.values()) {
                        gauge.call(live.open(transport), transport.label());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("headcount_live_dropped_total")
                .help("Live connections Headcount ended or turned away: too-slow, expired, refused")
                .labelNames("reason")
                .callback(dropped -> {
                    for (LiveMeters.Drop drop : LiveMeters.Drop.values()) {
                        dropped.call(live.dropped(drop), drop.label());
                    }
                }).register(registry);
    }

    /**
     * The client's JVM metrics, one by one rather than {@code JvmMetrics}: that one keeps every registry in a
     * static set, and its allocation metrics add a listener to the platform's GC beans that is never removed,
     * which would pin this webapp's class loader after an undeploy.
     */
    private void registerJvmMetrics() {
        PrometheusProperties config = PrometheusProperties.get();
        JvmThreadsMetrics.builder(config).register(registry);
        JvmBufferPoolMetrics.builder(config).register(registry);
        JvmClassLoadingMetrics.builder(config).register(registry);
        JvmCompilationMetrics.builder(config).register(registry);
        JvmGarbageCollectorMetrics.builder(config).register(registry);
        JvmMemoryMetrics.builder(config).register(registry);
        JvmNativeMemoryMetrics.builder(config).register(registry);
        JvmRuntimeInfoMetric.builder(config).register(registry);
        ProcessMetrics.builder(config).register(registry);
    }
}
