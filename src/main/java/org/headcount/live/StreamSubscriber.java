package org.headcount.live;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A live connection over one long HTTP response (Server-Sent Events, a multipart PNG stream). Frames are
 * queued and written with the servlet's non-blocking output, so a slow reader never holds up the notifier;
 * one whose queue reaches {@link #BACKLOG_LIMIT} is ended.
 */
public abstract class StreamSubscriber implements Subscriber, WriteListener, AsyncListener {

    /** Frames a connection may have waiting before it counts as too slow. */
    static final int BACKLOG_LIMIT = 16;
    private static final System.Logger LOG = System.getLogger(StreamSubscriber.class.getName());

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final LiveMeters meters;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by this
    private boolean ended;
    private Runnable onEnd;

    protected StreamSubscriber(AsyncContext async, LiveMeters meters) throws IOException {
        this.async = async;
        this.meters = meters;
        this.out = async.getResponse().getOutputStream();
        async.setTimeout(0);
        async.addListener(this);
        out.setWriteListener(this);
    }

    /** The bytes that carry {@code frame} on this transport. */
    protected abstract byte[] encode(Frame frame);

    /** The bytes that keep an idle stream open, or null for none. */
    protected abstract byte[] keepAlive();

    /** Runs {@code leave} when the stream ends, at once if it already has. */
    public void onEnd(Runnable leave) {
        boolean endedAlready;
        synchronized (this) {
            onEnd = leave;
            endedAlready = ended;
        }
        if (endedAlready) {
            leave.run();
        }
    }

    @Override
    public void send(Frame frame) {
        write(encode(frame));
    }

    @Override
    public void heartbeat() {
        byte[] bytes = keepAlive();
        if (bytes != null) {
            write(bytes);
        }
    }

    /** Queues raw bytes, such as a stream's preamble. */
    protected synchronized void write(byte[] bytes) {
        if (ended) {
            return;
        }
        if (queue.size() >= BACKLOG_LIMIT) {
            if (complete()) {
                meters.drop(LiveMeters.Drop.TOO_SLOW);
            }
            return;
        }
        queue.add(bytes);
        drain();
    }

    @Override
    public synchronized void onWritePossible() {
        drain();
    }

    private void drain() {
        try {
            byte[] next;
            while (!ended && out.isReady() && (next = queue.poll()) != null) {
                out.write(next);
                if (out.isReady()) {
                    out.flush();
                }
            }
        } catch (IOException | IllegalStateException e) {
            end(); // the client went away mid-write
        }
    }

    @Override
    public void close(Closing why) {
        if (complete()) {
            meters.ended(why);
        }
    }

    /** Ends the response, once; answers whether this call did it. */
    private boolean complete() {
        if (!end()) {
            return false;
        }
        try {
            async.complete();
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "Stream already complete: {0}", e.getMessage());
        }
        return true;
    }

    /** Marks the stream ended and leaves the page, once; answers whether this call did it. */
    private boolean end() {
        Runnable leave;
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            queue.clear();
            leave = onEnd;
        }
        if (leave != null) {
            leave.run();
        }
        return true;
    }

    @Override
    public void onError(Throwable t) {
        close(Closing.TOO_SLOW);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close(Closing.EXPIRED);
    }

    @Override
    public void onError(AsyncEvent event) {
        close(Closing.TOO_SLOW);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // nothing: the stream is set up by its servlet
    }
}
