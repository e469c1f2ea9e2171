package org.headcount.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain HTTP/1.1 from a loopback address of the test's choosing (127.0.0.2 as an attacker, 127.0.0.3 as a reader),
 * requests pipelined on one kept-alive connection: clients the server tells apart by address, and fast.
 */
public final class LoopbackClient implements AutoCloseable {

    private static final int PIPELINED = 100;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private LoopbackClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** A connection from {@code from} (e.g. "127.0.0.2") to 127.0.0.1:{@code port}. */
    public static LoopbackClient connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(30_000);
        return new LoopbackClient(socket);
    }

    /**
     * GETs every path in turn ({@code headers}: extra whole lines, each ending in CRLF) and answers, in order, each
     * answer's {@code X-Headcount-Ignored} header: null where the hit was counted. Fails on any status but 200.
     */
    public List<String> get(List<String> paths, String headers) throws IOException {
        List<String> ignored = new ArrayList<>(paths.size());
        for (int from = 0; from < paths.size(); from += PIPELINED) {
            List<String> batch = paths.subList(from, Math.min(paths.size(), from + PIPELINED));
            for (String path : batch) {
                out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            for (int i = 0; i < batch.size(); i++) {
                ignored.add(readResponse());
            }
        }
        return ignored;
    }

    public List<String> get(List<String> paths) throws IOException {
        return get(paths, "");
    }

    /** One response: its status must be 200; answers its X-Headcount-Ignored, and skips its body. */
    private String readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("expected 200, got: " + status);
        }
        String ignored = null;
        int length = 0;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("x-headcount-ignored")) {
                ignored = value;
            } else if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("the body ended early");
        }
        return ignored;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
