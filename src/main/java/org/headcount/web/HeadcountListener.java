package org.headcount.web;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.headcount.LogText;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.count.HitCounter;
import org.headcount.dashboard.History;
import org.headcount.flush.FlushClient;
import org.headcount.flush.FlushScheduler;
import org.headcount.flush.Flusher;
import org.headcount.flush.Outbox;
import org.headcount.flush.SpoolLocation;
import org.headcount.jmx.CounterBean;
import org.headcount.limits.ClientLimits;
import org.headcount.jmx.Jmx;
import org.headcount.jmx.PresenceBean;
import org.headcount.live.LiveConfigurator;
import org.headcount.live.LiveEndpoint;
import org.headcount.live.Notifier;
import org.headcount.live.PresenceRegistry;
import org.headcount.live.RemoteCounts;
import org.headcount.cluster.RedisCluster;
import org.headcount.metrics.Metrics;
import org.headcount.metrics.PixelMeter;

/** Starts Headcount's parts when the WAR is deployed and stops them, in reverse order, when it is undeployed. */
@WebListener
public final class HeadcountListener implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(HeadcountListener.class.getName());

    private Jsonb jsonb;
    private History history;
    private FlushScheduler flush;
    private Notifier notifier;
    private RedisCluster cluster;
    private Jmx jmx;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Started started = new Started(System.currentTimeMillis());
        Config config = ConfigLoader.standard(context::getInitParameter).load(SpoolLocation.defaultRoot(System::getProperty));
        jsonb = JsonbBuilder.create();
        HitCounter counter = new HitCounter(config.maxKeys(), config.maxKeyLength());
        ClientLimits limits = new ClientLimits(config);
        Metrics metrics = new Metrics(counter);
        RemoteCounts remote = config.redisUrl() == null ? RemoteCounts.singleNode() : RemoteCounts.clustered();
        PresenceRegistry registry = new PresenceRegistry(config, jsonb, () -> System.nanoTime() / 1_000_000, remote, limits);
        history = new History(registry::totalOnline, System::currentTimeMillis);
        Outbox outbox = outbox(config, context);
        flush = new FlushScheduler(flusher(config, counter, limits, outbox), config.intervalMs(),
                2 * config.intervalMs() + config.flushTimeoutMs(), metrics.flush().andThen(history));
        notifier = new Notifier(registry);
        if (remote.isClustered()) {
            cluster = new RedisCluster(config.redisUrl(), config.nodeTimeoutMs(), registry, remote);
        }
        metrics.watch(flush, registry);
        addLiveEndpoint(context, new LiveConfigurator(registry, config.allowedOrigins(), notifier.closer(),
                config.dashboardPublic() ? null : AccessFilter.ROLE));
        jmx = new Jmx(context.getContextPath());
        jmx.register("Counter", new CounterBean(counter, flush, AdminFlushServlet.waitMs(config)));
        jmx.register("Presence", new PresenceBean(registry));
        share(context, started, config, counter, metrics, registry);
        Attributes.put(context, ClientLimits.class, limits);
        LOG.log(System.Logger.Level.INFO, "Headcount started: flushing every {0}ms to {1}, spooling in {2}; dashboard {3}",
                Long.toString(config.intervalMs()), config.hasEndpoint() ? LogText.url(config.endpoint()) : "the log only (no endpoint set)",
                outbox.dir(), config.dashboardPublic() ? "public" : "for " + AccessFilter.ROLE + " only");
    }

    /** Hands the servlets what they need, through context attributes named after each type. */
    private void share(ServletContext context, Started started, Config config, HitCounter counter, Metrics metrics,
                       PresenceRegistry registry) {
        Attributes.put(context, Started.class, started);
        Attributes.put(context, Config.class, config);
        Attributes.put(context, Jsonb.class, jsonb);
        Attributes.put(context, HitCounter.class, counter);
        Attributes.put(context, PixelMeter.class, metrics.pixel());
        Attributes.put(context, PrometheusRegistry.class, metrics.registry());
        Attributes.put(context, FlushScheduler.class, flush);
        Attributes.put(context, PresenceRegistry.class, registry);
        Attributes.put(context, History.class, history);
    }

    /** The per-client budgets start afresh with each batch the flush takes. */
    private static Flusher flusher(Config config, HitCounter counter, ClientLimits limits, Outbox outbox) {
        FlushClient client = config.hasEndpoint()
                ? new FlushClient(config.endpoint(), config.secret(), Duration.ofMillis(config.flushTimeoutMs()))
                : null;
        return new Flusher(() -> {
            limits.newInterval();
            return counter.drain();
        }, client, outbox, config.discard(), config.maxBodyBytes());
    }

    /** This deployment's own outbox, under spoolDir and named for its host and context path. */
    private static Outbox outbox(Config config, ServletContext context) {
        Path dir = config.spoolDir().resolve(SpoolLocation.deploymentName(context.getVirtualServerName(),
                context.getContextPath()));
        try {
            return Outbox.open(dir, config.maxPendingBatches(), config.maxPendingBytes());
        } catch (IOException e) {
            throw new IllegalStateException("Headcount cannot use its spool directory: " + e.getMessage()
                    + "; set spoolDir to a directory it may write", e);
        }
    }

    /**
     * Stops the flush before the rest: its last hits reach the outbox on disk before anything else can take the
     * time a container grants a shutdown. Each step runs whatever the steps before it threw.
     */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        for (Class<?> type : new Class<?>[] {ClientLimits.class, History.class, PresenceRegistry.class, FlushScheduler.class,
                PrometheusRegistry.class, PixelMeter.class, HitCounter.class, Jsonb.class, Config.class, Started.class}) {
            Attributes.remove(context, type);
        }
        // Sampling stops before the final flush, whose outcome the history still records.
        List<AutoCloseable> steps = Arrays.asList(history, flush, jmx, cluster, notifier, jsonb);
        for (AutoCloseable step : steps) {
            if (step != null) {
                try {
                    step.close();
                } catch (Exception | LinkageError e) {
                    LOG.log(System.Logger.Level.ERROR, "Stopping " + step.getClass().getSimpleName() + " failed", e);
                }
            }
        }
    }

    private static void addLiveEndpoint(ServletContext context, LiveConfigurator configurator) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("This container offers no Jakarta WebSocket; /live needs it");
        }
        LiveEndpoint.sizeMessageBuffers(container);
        try {
            container.addEndpoint(ServerEndpointConfig.Builder.create(LiveEndpoint.class, "/live")
                    .configurator(configurator).build());
        } catch (DeploymentException e) {
            throw new IllegalStateException("Could not add the /live WebSocket endpoint", e);
        }
    }
}
