package org.headcount.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Headcount's whole configuration, read once at start by {@link ConfigLoader}; every duration carries its unit.
 *
 * @param endpoint flush URL, or null to log hits only
 * @param secret shared secret sent as {@code secret=} and used as HMAC key, or null
 * @param spoolDir where each deployment keeps its own outbox directory
 * @param maxBodyBytes a flush body larger than this is split into several batches
 * @param maxPendingBytes undelivered batches held in memory; beyond it they wait on disk only
 * @param countByVisitors true: a page's count is its distinct visitors (plus connections without an id); false: its connections
 * @param incrementDelayMs a connection is counted once it has stayed this long
 * @param maxNewKeysPerClient distinct keys one client may add per interval
 * @param maxHitsPerKeyPerClient hits one client may add to one key per interval
 * @param maxLiveConnectionsPerClient live connections one client may hold at once
 * @param maxNewLivePagesPerClient live pages one client may open per interval that nobody was on
 * @param clientLimitsExempt addresses the per-client limits never apply to (a reverse proxy on this machine)
 * @param redisUrl Redis for scale-out, or null for a single node
 * @param dashboardPublic false: the dashboard and every view of all pages need the {@code headcount-admin} role
 */
public record Config(
        long intervalMs,
        URI endpoint,
        String secret,
        boolean discard,
        long flushTimeoutMs,
        int maxPendingBatches,
        int maxPendingBytes,
        int maxBodyBytes,
        Path spoolDir,
        int maxKeys,
        int maxKeyLength,
        boolean keyFromReferer,
        boolean respectDoNotTrack,
        double notifyDeltaRatio,
        long notifyMinDelayMs,
        long notifyMaxDelayMs,
        long maxConnDurationMs,
        int maxConnections,
        int maxPages,
        int maxPageLength,
        long pageCleanDelayMs,
        boolean countByVisitors,
        long incrementDelayMs,
        int maxNewKeysPerClient,
        int maxHitsPerKeyPerClient,
        int maxLiveConnectionsPerClient,
        int maxNewLivePagesPerClient,
        List<String> clientLimitsExempt,
        List<String> allowedOrigins,
        URI redisUrl,
        long nodeTimeoutMs,
        boolean dashboardPublic) {

    public Config {
        allowedOrigins = List.copyOf(allowedOrigins);
        clientLimitsExempt = List.copyOf(clientLimitsExempt);
    }

    public boolean hasEndpoint() {
        return endpoint != null;
    }
}
