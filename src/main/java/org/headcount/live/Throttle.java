package org.headcount.live;

/**
 * Audience Meter's notification rule for one page: tell members when the count moved by at least
 * {@code deltaRatio} of them and {@code minDelayMs} has passed since the last notice; after
 * {@code maxDelayMs} any change is told.
 */
public record Throttle(double deltaRatio, long minDelayMs, long maxDelayMs) {

    /** Whether a page last announced at {@code lastSent}, {@code elapsedMs} ago, should announce {@code now}. */
    public boolean due(int lastSent, int now, long elapsedMs) {
        if (now == lastSent) {
            return false;
        }
        if (elapsedMs >= maxDelayMs) {
            return true;
        }
        return elapsedMs >= minDelayMs && Math.abs(now - lastSent) >= deltaRatio * now;
    }
}
