package org.headcount.flush;

import jakarta.json.bind.Jsonb;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.headcount.flush.FlushClient.FlushFailure;

/**
 * Moves counted hits to the endpoint: each flush takes a batch from the counter, queues it behind any
 * batches that failed before, and sends them oldest first with their own ids, stopping at the first failure.
 * Confined to one thread at a time (the flush scheduler, then the shutdown), so flushes never overlap.
 */
public final class Flusher {

    private static final System.Logger LOG = System.getLogger(Flusher.class.getName());
    /** Pixel Ping's record of every flush, {@code hits:\tkey}; a logger of its own so it can be turned off. */
    private static final Logger RECORD = Logger.getLogger("org.headcount.hits");

    private final Supplier<Map<String, Long>> source;
    private final FlushClient client;
    private final boolean discard;
    private final int maxPendingBatches;
    private final Spool spool;
    private final Jsonb jsonb;
    private final Deque<Batch> pending = new ArrayDeque<>();
    private volatile int pendingCount;

    /** {@code client} null means no endpoint: hits are logged and dropped. */
    public Flusher(Supplier<Map<String, Long>> source, FlushClient client, boolean discard, int maxPendingBatches,
                   Spool spool, Jsonb jsonb) {
        this.source = source;
        this.client = client;
        this.discard = discard;
        this.maxPendingBatches = maxPendingBatches;
        this.spool = spool;
        this.jsonb = jsonb;
        List<Batch> spooled = client == null ? List.of() : spool.load();
        if (!spooled.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Re-sending {0} batch(es) spooled in {1}", spooled.size(), spool.file());
            pending.addAll(spooled);
            pendingCount = pending.size();
        }
    }

    /** Batches waiting for a retry. */
    public int pendingBatches() {
        return pendingCount;
    }

    /** Takes the hits counted so far and delivers every pending batch it can. */
    public FlushResult flush() throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Long> taken = source.get();
        long hitsTaken = taken.values().stream().mapToLong(Long::longValue).sum();
        logRecord(taken);
        if (client == null) {
            return result(taken.isEmpty() ? "empty" : "logged", 0, 0, taken.size(), hitsTaken, start, null);
        }
        if (!taken.isEmpty()) {
            pending.addLast(Batch.of(taken));
            boundPending();
        }
        int delivered = 0;
        long hitsDelivered = 0;
        String error = null;
        while (!pending.isEmpty() && error == null) {
            Batch batch = pending.peekFirst();
            try {
                client.send(batch.id(), batch.hits());
                pending.removeFirst();
                delivered++;
                hitsDelivered += batch.total();
            } catch (FlushFailure e) {
                error = e.getMessage();
                if (discard) {
                    pending.removeFirst();
                    LOG.log(System.Logger.Level.WARNING, "Flush of batch {0} failed ({1}); discarded {2} hits (discard=true)",
                            batch.id(), error, batch.total());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "Flush of batch {0} failed ({1}); keeping {2} batch(es) to re-send",
                            batch.id(), error, pending.size());
                }
            }
        }
        clearSpoolWhenDone();
        String outcome = error == null ? (delivered == 0 ? "empty" : "delivered") : (discard ? "discarded" : "failed");
        return result(outcome, delivered, hitsDelivered, taken.size(), hitsTaken, start, error);
    }

    /** The final flush at shutdown: one more try, then whatever is still undelivered goes to the spool. */
    public FlushResult flushAndSpool() throws InterruptedException {
        FlushResult last;
        try {
            last = flush();
        } finally {
            if (client != null) {
                client.close();
            }
        }
        if (!pending.isEmpty()) {
            try {
                spool.write(List.copyOf(pending));
                LOG.log(System.Logger.Level.WARNING, "Spooled {0} undelivered batch(es) to {1}; they are re-sent at the next start",
                        pending.size(), spool.file());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not write the spool {0} ({1}); these hits are lost: {2}",
                        spool.file(), e.getMessage(), jsonb.toJson(List.copyOf(pending)));
            }
        }
        return last;
    }

    /** Beyond {@code maxPendingBatches}, the two oldest become one, so memory stays bounded and no hit is dropped. */
    private void boundPending() {
        while (pending.size() > maxPendingBatches) {
            Batch merged = pending.removeFirst().mergedWith(pending.removeFirst());
            pending.addFirst(merged);
            LOG.log(System.Logger.Level.WARNING, "More than {0} failed batches; merged the two oldest into {1}",
                    maxPendingBatches, merged.id());
        }
        pendingCount = pending.size();
    }

    private void clearSpoolWhenDone() {
        pendingCount = pending.size();
        if (pending.isEmpty()) {
            try {
                spool.clear();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not remove the delivered spool {0}: {1}", spool.file(), e.getMessage());
            }
        }
    }

    private static void logRecord(Map<String, Long> taken) {
        if (RECORD.isLoggable(Level.INFO)) {
            // The source is named, so a million lines do not each walk the stack to find where they came from.
            taken.forEach((key, hits) -> RECORD.logp(Level.INFO, Flusher.class.getName(), "flush", hits + ":\t" + key));
        }
    }

    private FlushResult result(String outcome, int delivered, long hitsDelivered, int keys, long hits, long startNanos,
                               String error) {
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        return new FlushResult(outcome, delivered, hitsDelivered, keys, hits, pendingCount, durationMs,
                System.currentTimeMillis(), error);
    }
}
