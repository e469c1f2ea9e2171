package org.headcount.live;

import java.util.concurrent.atomic.AtomicInteger;
import org.headcount.config.Config;
import org.headcount.limits.ClientLimits;

/**
 * Who may open a live connection: a page name within bounds, room under {@code maxConnections}, and the address's
 * per-client budget. Every refusal passes here once, so the metrics see each turned-away connection exactly once.
 */
final class Admission {

    private final Config config;
    private final ClientLimits limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final LiveMeters meters = new LiveMeters();

    Admission(Config config, ClientLimits limits) {
        this.config = config;
        this.limits = limits;
    }

    void checkName(String pageName) throws Refused {
        if (pageName == null || pageName.isEmpty()) {
            throw refused("page required");
        }
        if (pageName.length() > config.maxPageLength()) {
            throw refused("page longer than " + config.maxPageLength() + " characters");
        }
    }

    void checkRoom() throws Refused {
        if (connections.get() >= config.maxConnections()) {
            throw refused("too many connections (maxConnections " + config.maxConnections() + ")");
        }
    }

    /** Takes one of the {@code maxConnections}, or refuses. */
    void reserveConnection(Subscriber subscriber) throws Refused {
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            throw refused("too many connections (maxConnections " + config.maxConnections() + ")");
        }
        meters.opened(subscriber.transport());
    }

    void releaseConnection(Subscriber subscriber) {
        connections.decrementAndGet();
        meters.closed(subscriber.transport());
    }

    /** Takes one of {@code client}'s connections (null: an unknown address, no per-client limit), or refuses. */
    void reserveClient(String client) throws Refused {
        if (client != null && !limits.openLive(client)) {
            throw limited("too many live connections from one address (maxLiveConnectionsPerClient "
                    + config.maxLiveConnectionsPerClient() + ")");
        }
    }

    void releaseClient(String client) {
        if (client != null) {
            limits.closeLive(client);
        }
    }

    /** Refuses a page nobody is on when {@code pages} are known already. */
    void checkPageRoom(int pages) throws Refused {
        if (pages >= config.maxPages()) {
            throw refused("too many pages (maxPages " + config.maxPages() + ")");
        }
    }

    /** Why {@code client} may not open a page nobody is on now, with {@code pages} known, or null when it may. */
    Refused newPage(int pages, String client) {
        try {
            checkPageRoom(pages);
        } catch (Refused e) {
            return e;
        }
        if (client != null && !limits.newLivePage(client)) {
            return limited("too many new pages from one address (maxNewLivePagesPerClient "
                    + config.maxNewLivePagesPerClient() + ")");
        }
        return null;
    }

    private Refused refused(String reason) {
        meters.drop(LiveMeters.Drop.REFUSED);
        return new Refused(reason);
    }

    /** A refusal for a per-client limit: counted apart, so operators see who is being limited. */
    private Refused limited(String reason) {
        meters.drop(LiveMeters.Drop.RATE_LIMITED);
        return new Refused(reason);
    }

    int connections() {
        return connections.get();
    }

    LiveMeters meters() {
        return meters;
    }
}
