package org.headcount.flush;

/**
 * What one flush did, as the admin endpoint and health report it.
 *
 * @param outcome {@code delivered}, {@code failed}, {@code discarded}, {@code empty} or {@code logged} (no endpoint)
 * @param atEpochMs when the flush finished
 */
public record FlushResult(String outcome, int batchesDelivered, long hitsDelivered, int keysTaken, long hitsTaken,
                          int batchesPending, long durationMs, long atEpochMs, String error) {

    public boolean failed() {
        return outcome.equals("failed") || outcome.equals("discarded");
    }
}
