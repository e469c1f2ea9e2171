package org.headcount.live;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live connection over WebSocket. One async send at a time per session (the API forbids overlapping
 * ones); the rest wait in a queue of at most {@link #BACKLOG_LIMIT}, past which the session is closed 1013.
 */
final class WsSubscriber implements Subscriber, SendHandler {

    /** Frames a session may have waiting before it counts as too slow. */
    static final int BACKLOG_LIMIT = 16;
    /** Tomcat's cap on a blocking send, which includes the close frame: a stuck client must not hold a closer. */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    static final long CLOSE_TIMEOUT_MS = 2_000;
    /**
     * Well below every idle timeout on the way: Jetty's WebSocket default of 30 s (checked every heartbeat, so sent
     * within 17 s) and nginx's 60 s proxy_read_timeout.
     */
    static final long IDLE_KEEPALIVE_MS = 15_000;
    private static final int MAX_REASON_BYTES = 123;
    private static final System.Logger LOG = System.getLogger(WsSubscriber.class.getName());

    private final Session session;
    private final Executor closer;
    private final LiveMeters meters;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Frame lastFrame;
    private volatile long lastSentNanos = System.nanoTime();

    WsSubscriber(Session session, Executor closer, LiveMeters meters) {
        this.session = session;
        this.closer = closer;
        this.meters = meters;
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CLOSE_TIMEOUT_MS);
        // No container idle timeout (Tomcat has none by default, Jetty 30 s): the keep-alive finds dead clients.
        session.setMaxIdleTimeout(0);
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Override
    public void send(Frame frame) {
        if (closing.get()) {
            return;
        }
        if (waiting.incrementAndGet() > BACKLOG_LIMIT) {
            if (closeOnce(Closing.TOO_SLOW.code, Closing.TOO_SLOW.reason)) {
                meters.drop(LiveMeters.Drop.TOO_SLOW);
            }
            return;
        }
        lastFrame = frame;
        lastSentNanos = System.nanoTime();
        queue.add(frame.json());
        sendNext();
    }

    private void sendNext() {
        while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
            String next = queue.poll();
            if (next != null) {
                try {
                    session.getAsyncRemote().sendText(next, this);
                    return;
                } catch (RuntimeException e) {
                    close(Closing.TOO_SLOW); // the session is already closing
                }
            }
            sending.set(false);
        }
    }

    @Override
    public void onResult(SendResult result) {
        waiting.decrementAndGet();
        sending.set(false);
        if (result.isOK()) {
            sendNext();
        } else {
            close(Closing.TOO_SLOW);
        }
    }

    /** The last count again after {@link #IDLE_KEEPALIVE_MS} of silence, so proxies' idle timeouts never cut a quiet page. */
    @Override
    public void heartbeat() {
        Frame frame = lastFrame;
        if (frame != null && System.nanoTime() - lastSentNanos >= IDLE_KEEPALIVE_MS * 1_000_000) {
            send(frame);
        }
    }

    @Override
    public void close(Closing why) {
        if (closeOnce(why.code, why.reason)) {
            meters.ended(why);
        }
    }

    /** Closes with {@code code} and {@code reason}. */
    void close(int code, String reason) {
        closeOnce(code, reason);
    }

    /** Closes off the caller's thread (a close waits for a send in flight); answers whether this call did it. */
    private boolean closeOnce(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        queue.clear();
        CloseReason closeReason = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason));
        closer.execute(() -> {
            try {
                session.close(closeReason);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing a WebSocket session failed: {0}", e.getMessage());
            }
        });
        return true;
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_REASON_BYTES ? reason : new String(bytes, 0, MAX_REASON_BYTES - 3, StandardCharsets.UTF_8);
    }
}
