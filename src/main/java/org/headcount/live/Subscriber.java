package org.headcount.live;

/** One live connection, whatever its transport. Calls never block: a subscriber queues and writes on its own. */
public interface Subscriber {

    /** Why the server ends a connection; {@code code} is the WebSocket close code. */
    enum Closing {
        EXPIRED(1001, "maxConnDuration reached, reconnect"),
        SHUTDOWN(1001, "server stopping"),
        TOO_SLOW(1013, "client too slow to keep up");

        public final int code;
        public final String reason;

        Closing(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }
    }

    /** How this connection reaches its client, for the metrics. */
    Transport transport();

    /** Queues {@code frame} for this connection; a connection that cannot keep up closes itself. */
    void send(Frame frame);

    /** Keeps an idle connection alive through proxies (a comment, a ping, the last image again). */
    void heartbeat();

    /** Whether maxConnDuration applies: a client that cannot reconnect (an {@code <img>}) is never cut off. */
    default boolean expires() {
        return true;
    }

    /** Ends the connection from the server side. */
    void close(Closing why);
}
