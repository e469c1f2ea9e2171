package org.headcount.live;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.headcount.live.Subscriber.Closing;

/**
 * What an operator counts about live connections: those open now per transport, and those Headcount ended
 * or turned away. Plain atomics, read by the metrics at scrape time, so joins and sends pay one increment.
 */
public final class LiveMeters {

    /** Why Headcount ended or refused a live connection; {@link #label()} is its metrics name. */
    public enum Drop {
        /** Its backlog of unsent frames reached the limit. */
        TOO_SLOW("too-slow"),
        /** It reached maxConnDuration. */
        EXPIRED("expired"),
        /** It was not taken: a bad page name, or no room (maxConnections, maxPages). */
        REFUSED("refused"),
        /** It was not taken: its address is over a per-client limit. */
        RATE_LIMITED("rate-limited");

        private final String label;

        Drop(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final AtomicInteger[] open = new AtomicInteger[Transport.values().length];
    private final LongAdder[] dropped = new LongAdder[Drop.values().length];

    public LiveMeters() {
        for (int i = 0; i < open.length; i++) {
            open[i] = new AtomicInteger();
        }
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    void opened(Transport transport) {
        open[transport.ordinal()].incrementAndGet();
    }

    void closed(Transport transport) {
        open[transport.ordinal()].decrementAndGet();
    }

    void drop(Drop why) {
        dropped[why.ordinal()].increment();
    }

    /** A subscriber was closed by the server for {@code why}; only expiry counts as a drop here (shutdown does not). */
    void ended(Closing why) {
        if (why == Closing.EXPIRED) {
            drop(Drop.EXPIRED);
        }
    }

    /** Open connections over {@code transport}, watchers included. */
    public int open(Transport transport) {
        return open[transport.ordinal()].get();
    }

    /** Connections ended or refused for {@code why} since the start. */
    public long dropped(Drop why) {
        return dropped[why.ordinal()].sum();
    }
}
