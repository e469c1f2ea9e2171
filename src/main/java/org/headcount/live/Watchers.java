package org.headcount.live;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.headcount.live.Subscriber.Closing;

/**
 * Watchers of every page (the dashboard): counted on none, told the all-pages frame when anything changed,
 * at most once every notifyMinDelay, since that frame is the largest one there is.
 */
final class Watchers {

    private final ConcurrentHashMap<Subscriber, Long> joinedMs = new ConcurrentHashMap<>();
    private final long minDelayMs;
    private volatile boolean changed;
    private long lastFrameMs; // touched only by the notifier thread

    Watchers(long minDelayMs) {
        this.minDelayMs = minDelayMs;
    }

    void add(Subscriber watcher, long nowMs, Frame first) {
        joinedMs.put(watcher, nowMs);
        watcher.send(first);
    }

    /** Answers whether {@code watcher} was here. */
    boolean remove(Subscriber watcher) {
        return joinedMs.remove(watcher) != null;
    }

    void changed() {
        changed = true;
    }

    /** Whether a change waits for its frame. */
    boolean pending() {
        return changed && !joinedMs.isEmpty();
    }

    /** Sends a fresh frame, built only when due, to every watcher. */
    void tick(long nowMs, Supplier<Frame> frame) {
        if (changed && !joinedMs.isEmpty() && nowMs - lastFrameMs >= minDelayMs) {
            changed = false;
            lastFrameMs = nowMs;
            Frame next = frame.get();
            joinedMs.keySet().forEach(watcher -> watcher.send(next));
        }
    }

    /** Closes watchers connected for {@code maxAgeMs} or more. */
    void expire(long nowMs, long maxAgeMs) {
        joinedMs.forEach((watcher, joined) -> {
            if (nowMs - joined >= maxAgeMs) {
                watcher.close(Closing.EXPIRED);
            }
        });
    }

    void forEach(Consumer<Subscriber> action) {
        joinedMs.keySet().forEach(action);
    }
}
