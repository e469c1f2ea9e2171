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
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import org.headcount.config.Config;
import org.headcount.config.ConfigLoader;
import org.headcount.count.HitCounter;
import org.headcount.dashboard.History;
import org.headcount.flush.FlushClient;
import org.headcount.flush.FlushScheduler;
import org.headcount.flush.Flusher;
import org.headcount.flush.Spool;
import org.headcount.jmx.CounterBean;
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
    static final String SPOOL_FILE = "headcount-spool.json";

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
        Config config = ConfigLoader.standard(context::getInitParameter).load(tempDir(context));
        jsonb = JsonbBuilder.create();
        HitCounter counter = new HitCounter(config.maxKeys(), config.maxKeyLength());
        Metrics metrics = new Metrics(counter);
        RemoteCounts remote = config.redisUrl() == null ? RemoteCounts.singleNode() : RemoteCounts.clustered();
        PresenceRegistry registry = new PresenceRegistry(config, jsonb, () -> System.nanoTime() / 1_000_000, remote);
        history = new History(registry::totalOnline, System::currentTimeMillis);
        flush = new FlushScheduler(flusher(config, counter, jsonb), config.intervalMs(), metrics.flush().andThen(history));
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
        LOG.log(System.Logger.Level.INFO, "Headcount started: flushing every {0}ms to {1}; dashboard {2}", config.intervalMs(),
                config.hasEndpoint() ? config.endpoint() : "the log only (no endpoint set)",
                config.dashboardPublic() ? "public" : "for " + AccessFilter.ROLE + " only");
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

    private static Flusher flusher(Config config, HitCounter counter, Jsonb jsonb) {
        FlushClient client = config.hasEndpoint()
                ? new FlushClient(config.endpoint(), config.secret(), Duration.ofMillis(config.flushTimeoutMs()))
                : null;
        return new Flusher(counter::drain, client, config.discard(), config.maxPendingBatches(),
                new Spool(config.spoolDir().resolve(SPOOL_FILE), jsonb), jsonb);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        for (Class<?> type : new Class<?>[] {History.class, PresenceRegistry.class, FlushScheduler.class,
                PrometheusRegistry.class, PixelMeter.class, HitCounter.class, Jsonb.class, Config.class, Started.class}) {
            Attributes.remove(context, type);
        }
        if (jmx != null) {
            jmx.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        // Sampling stops first: its thread then has the rest of the shutdown to end before Tomcat looks for leaks.
        // The history still records the final flush below.
        if (history != null) {
            history.close();
        }
        if (notifier != null) {
            notifier.close();
        }
        if (flush != null) {
            flush.close();
        }
        if (jsonb != null) {
            try {
                jsonb.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Closing JSON-B failed: {0}", e.getMessage());
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

    private static Path tempDir(ServletContext context) {
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        return dir instanceof File file ? file.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
