package org.headcount.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client over a plain socket, for what a polite client cannot do: never read, or see close
 * codes (like 1013) that Tomcat's own client rejects as protocol errors although browsers accept them.
 */
public final class RawWebSocket implements AutoCloseable {

    /** The server's close frame: its code, or -1 when the connection ended without one. */
    public record Close(int code, String reason) {}

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket, DataInputStream in) {
        this.socket = socket;
        this.in = in;
    }

    /** Opens {@code path} (from the context root, e.g. {@code /headcount/live?watch=all}) with a receive buffer of {@code receiveBuffer} bytes. */
    public static RawWebSocket open(int port, String path, int receiveBuffer) throws IOException {
        return open(port, path, receiveBuffer, "");
    }

    /**
     * As {@link #open(int, String, int)}, with {@code headers} (whole lines, each ending in CRLF) in the handshake;
     * a handshake the server refuses throws an IOException whose message holds the response head.
     */
    public static RawWebSocket open(int port, String path, int receiveBuffer, String headers) throws IOException {
        return open(InetAddress.getLoopbackAddress(), port, path, receiveBuffer, headers);
    }

    /** As {@link #open(int, String, int, String)}, from the loopback address {@code from} (e.g. 127.0.0.2). */
    public static RawWebSocket open(InetAddress from, int port, String path, int receiveBuffer, String headers)
            throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + headers + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream raw = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("not upgraded: " + head);
        }
        return new RawWebSocket(socket, new DataInputStream(raw));
    }

    /** The next text frame's payload (server frames are unfragmented here); fails on a close or the end. */
    public String nextText() throws IOException {
        Frame frame = frame();
        if (frame == null) {
            throw new IOException("connection ended before a text frame");
        }
        if (frame.opcode() != 0x1) {
            throw new IOException("expected a text frame, got opcode " + frame.opcode() + ": "
                    + new String(frame.payload(), StandardCharsets.UTF_8));
        }
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    /**
     * The close frame a refused session gets first, before any data; fails when the first frame is another (the
     * session was let in), so a refusal that never comes cannot keep the test waiting through the heartbeats.
     */
    public Close refusal() throws IOException {
        Frame frame = frame();
        if (frame == null) {
            return new Close(-1, "");
        }
        if (frame.opcode() != 0x8) {
            throw new IOException("expected a close frame, got opcode " + frame.opcode() + ": "
                    + new String(frame.payload(), StandardCharsets.UTF_8));
        }
        return frame.close();
    }

    /** Reads frames, skipping data, until the server's close frame or the end of the connection. */
    public Close readUntilClose() throws IOException {
        try {
            for (Frame frame = frame(); frame != null; frame = frame()) {
                if (frame.opcode() == 0x8) {
                    return frame.close();
                }
            }
            return new Close(-1, "");
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return new Close(-1, "");
        }
    }

    /** One server frame, unmasked and unfragmented; null at the end of the connection. */
    private Frame frame() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        long length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    private record Frame(int opcode, byte[] payload) {
        Close close() {
            int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
            String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
            return new Close(code, reason);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
