package org.headcount.web;

/** When this deployment started, for the uptime that /health and the dashboard show. */
record Started(long epochMs) {

    long uptimeSeconds() {
        return (System.currentTimeMillis() - epochMs) / 1000;
    }
}
