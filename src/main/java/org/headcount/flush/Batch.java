package org.headcount.flush;

/**
 * One batch in the outbox: its place in line, the id it is sent under every time (so a receiver can dedupe by it),
 * and how many keys and hits its JSON holds. The JSON itself is the outbox's, in memory or on disk.
 */
public record Batch(long seq, String id, int keys, long hits) {}
