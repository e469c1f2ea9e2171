package org.headcount.live;

/** How a live connection reaches its client; {@link #label()} is its name in metrics. */
public enum Transport {
    WEBSOCKET("websocket"),
    SSE("sse"),
    PNG("png");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
