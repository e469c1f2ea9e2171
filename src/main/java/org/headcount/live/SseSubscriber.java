package org.headcount.live;

import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A live connection as Server-Sent Events: each frame is one {@code data:} line of the same JSON. */
public final class SseSubscriber extends StreamSubscriber {

    /** How long an EventSource waits before reconnecting, told to it in the stream's first line. */
    static final int RETRY_MS = 3_000;
    private static final byte[] COMMENT = ":\n\n".getBytes(StandardCharsets.UTF_8);

    public SseSubscriber(AsyncContext async, LiveMeters meters) throws IOException {
        super(async, meters);
        write(("retry: " + RETRY_MS + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    @Override
    protected byte[] encode(Frame frame) {
        return ("data: " + frame.json() + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] keepAlive() {
        return COMMENT;
    }
}
