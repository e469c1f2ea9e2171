package org.headcount.live;

import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A live connection as the PNG counter: a {@code multipart/x-mixed-replace} stream with one PNG part per count.
 *
 * <p>Each frame is the image followed at once by the next part's boundary and headers. Chromium shows a part
 * only once the next part's headers have arrived (Firefox ends a part at the next boundary), so a part closed
 * only by the following frame would show each count one change late, and the first one not until a keep-alive. For the same reason parts carry no Content-Length: it belongs in headers written before the image
 * they describe is known, and browsers find a part's end by its boundary anyway.
 */
public final class PngStreamSubscriber extends StreamSubscriber {

    /** The boundary as declared in Content-Type; on the wire each delimiter is {@code --} followed by it. */
    public static final String BOUNDARY = "headcount-png-frame";
    public static final String CONTENT_TYPE = "multipart/x-mixed-replace; boundary=" + BOUNDARY;
    private static final byte[] PART_START = ("--" + BOUNDARY + "\r\nContent-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PART_END = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private final PngRenderer renderer;
    // The last count sent and its bytes; written under this object's lock, read by heartbeats without it.
    private volatile Sent last;

    private record Sent(int online, byte[] bytes) {}

    public PngStreamSubscriber(AsyncContext async, PngRenderer renderer, LiveMeters meters) throws IOException {
        super(async, meters);
        this.renderer = renderer;
        write(PART_START);
    }

    @Override
    public Transport transport() {
        return Transport.PNG;
    }

    /** Sends a new image only when the count differs from the last one sent: a page's notice can repeat it. */
    @Override
    public synchronized void send(Frame frame) {
        Sent previous = last;
        if (previous != null && previous.online() == frame.online()) {
            return;
        }
        super.send(frame);
    }

    @Override
    protected byte[] encode(Frame frame) {
        byte[] png = renderer.render(frame.online());
        byte[] bytes = ByteBuffer.allocate(png.length + PART_END.length + PART_START.length)
                .put(png).put(PART_END).put(PART_START).array();
        last = new Sent(frame.online(), bytes);
        return bytes;
    }

    /** An {@code <img>} never reconnects, so maxConnDuration would freeze it: PNG streams run until the reader leaves. */
    @Override
    public boolean expires() {
        return false;
    }

    /** The last image again, as the PNG counter always did: it keeps proxies from closing an idle stream. */
    @Override
    protected byte[] keepAlive() {
        Sent sent = last;
        return sent == null ? null : sent.bytes();
    }
}
