package org.headcount.flush;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.headcount.LogText;
import org.headcount.flush.FlushClient.FlushFailure;

/**
 * Moves counted hits to the endpoint: each flush takes the hits from the counter, puts them in the outbox as
 * batches that fit the body limit, and sends the outbox's batches oldest first with their own ids, stopping at the
 * first failure. Confined to one thread at a time (the flush scheduler, then the shutdown), so flushes never overlap.
 */
public final class Flusher {

    private static final System.Logger LOG = System.getLogger(Flusher.class.getName());
    /**
     * Pixel Ping's record of every flush, {@code hits:\tkey}, a line per key at FINE (a million keys make a million
     * lines, too many for a default console); one summary line per flush at INFO.
     */
    private static final Logger RECORD = Logger.getLogger("org.headcount.hits");

    private final Supplier<Map<String, Long>> source;
    private final FlushClient client;
    private final Outbox outbox;
    private final boolean discard;
    private final long maxBodyBytes;
    private volatile long tooLarge;

    /** {@code client} null means no endpoint: hits are logged and dropped, and the outbox stays empty. */
    public Flusher(Supplier<Map<String, Long>> source, FlushClient client, Outbox outbox, boolean discard, long maxBodyBytes) {
        this.source = source;
        this.client = client;
        this.outbox = outbox;
        this.discard = discard;
        this.maxBodyBytes = maxBodyBytes;
        if (client != null && outbox.size() > 0) {
            LOG.log(System.Logger.Level.INFO, "Re-sending {0} batch(es) spooled in {1}", outbox.size(), outbox.dir());
        }
    }

    /** Batches waiting to be delivered. */
    public int pendingBatches() {
        return outbox.size();
    }

    /** Batches the endpoint refused as too large (413) since start. */
    public long tooLarge() {
        return tooLarge;
    }

    /** Takes the hits counted so far and delivers every pending batch it can. */
    public FlushResult flush() throws InterruptedException {
        return flush(Long.MAX_VALUE);
    }

    /**
     * As {@link #flush()}, sending only until {@code sendForMs} has passed; the hits are in the outbox (on disk)
     * before any send starts, whatever the deadline.
     */
    public FlushResult flush(long sendForMs) throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Long> taken = source.get();
        long hitsTaken = taken.values().stream().mapToLong(Long::longValue).sum();
        logRecord(taken, hitsTaken);
        if (client == null) {
            return result(taken.isEmpty() ? "empty" : "logged", 0, 0, taken.size(), hitsTaken, start, null);
        }
        outbox.addAll(FormBody.parts(taken, client.secret(), maxBodyBytes));
        outbox.writePending();
        long deadline = sendForMs == Long.MAX_VALUE ? Long.MAX_VALUE : start + sendForMs * 1_000_000;
        int delivered = 0;
        long hitsDelivered = 0;
        String error = null;
        for (Batch batch : outbox.batches()) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                error = "stopped sending: out of time";
                break;
            }
            try {
                client.send(batch.id(), FormBody.of(outbox.json(batch), client.secret()), leftMs);
                outbox.remove(batch);
                delivered++;
                hitsDelivered += batch.hits();
            } catch (FlushFailure e) {
                error = e.getMessage();
                failed(batch, e);
                break;
            } catch (IOException e) {
                error = "could not read batch " + batch.id() + " from " + outbox.dir() + ": " + e;
                LOG.log(System.Logger.Level.ERROR, "Could not read batch {0} from {1} ({2}); it stays there", batch.id(),
                        outbox.dir(), e.toString());
                break;
            }
        }
        String outcome = error == null ? (delivered == 0 ? "empty" : "delivered") : (discard ? "discarded" : "failed");
        return result(outcome, delivered, hitsDelivered, taken.size(), hitsTaken, start, error);
    }

    private void failed(Batch batch, FlushFailure failure) {
        if (failure.tooLarge()) {
            tooLarge++;
            LOG.log(System.Logger.Level.ERROR, "The endpoint refused batch {0} as too large (HTTP 413, {1} keys); lower "
                    + "maxBodyBytes below the receiver''s body limit", batch.id(), batch.keys());
        }
        if (discard) {
            outbox.remove(batch);
            LOG.log(System.Logger.Level.WARNING, "Flush of batch {0} failed ({1}); discarded {2} hits (discard=true)",
                    batch.id(), failure.getMessage(), batch.hits());
        } else {
            LOG.log(System.Logger.Level.WARNING, "Flush of batch {0} failed ({1}); keeping {2} batch(es) in {3} to re-send",
                    batch.id(), failure.getMessage(), outbox.size(), outbox.dir());
        }
    }

    /** Ends the HTTP client and lets go of the outbox, whose batches stay on disk for the next start. */
    public void close() {
        if (client != null) {
            client.close();
        }
        try {
            outbox.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not let go of {0}: {1}", outbox.dir(), e.toString());
        }
        if (outbox.size() > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0} undelivered batch(es) stay in {1}; they are re-sent at the next start",
                    outbox.size(), outbox.dir());
        }
    }

    private static void logRecord(Map<String, Long> taken, long hits) {
        if (taken.isEmpty()) {
            return;
        }
        RECORD.logp(Level.INFO, Flusher.class.getName(), "flush", "Took {0} hits on {1} keys",
                new Object[] {hits, taken.size()});
        if (RECORD.isLoggable(Level.FINE)) {
            // The source is named, so a million lines do not each walk the stack to find where they came from.
            taken.forEach((key, n) -> RECORD.logp(Level.FINE, Flusher.class.getName(), "flush",
                    n + ":\t" + LogText.oneLine(key)));
        }
    }

    private FlushResult result(String outcome, int delivered, long hitsDelivered, int keys, long hits, long startNanos,
                               String error) {
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        return new FlushResult(outcome, delivered, hitsDelivered, keys, hits, outbox.size(), durationMs,
                System.currentTimeMillis(), error);
    }
}
