import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Bench only: many RFC 6455 client connections on one selector thread, for listeners whose own cost must not
 * show in what they measure. Each connection sends the upgrade request, checks the 101 and its
 * Sec-WebSocket-Accept, then reads text frames (answering pings and closes) and hands each text, with the
 * System.nanoTime() at which it was read, to its {@link Listener}. Client frames are masked, as the RFC says.
 */
final class RawWs implements Runnable {

    interface Listener {
        void onText(String text, long nanos);
    }

    /** One connection. */
    static final class Conn {
        final Listener listener;
        final String host;
        final String path;
        private final String key;
        private SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        private boolean upgraded;
        private final StringBuilder fragments = new StringBuilder();
        volatile boolean open;
        volatile boolean failed;
        volatile boolean closed;

        Conn(String host, String path, Listener listener, Random random) {
            this.host = host;
            this.path = path;
            this.listener = listener;
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            this.key = Base64.getEncoder().encodeToString(nonce);
        }
    }

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private final int port;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Random random = new Random(7);
    private volatile boolean running = true;

    RawWs(int port) throws IOException {
        this.port = port;
        this.selector = Selector.open();
        Thread thread = new Thread(this, "raw-ws");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts connecting; {@link Conn#open} turns true after the 101. */
    Conn connect(String host, String path, Listener listener) {
        Conn conn = new Conn(host, path, listener, random);
        tasks.add(() -> {
            try {
                conn.channel = SocketChannel.open();
                conn.channel.configureBlocking(false);
                conn.channel.connect(new InetSocketAddress(host, port));
                conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
            } catch (IOException e) {
                conn.failed = true;
            }
        });
        selector.wakeup();
        return conn;
    }

    /** Sends a close frame; the server answers with its own and ends the connection. */
    void close(Conn conn) {
        tasks.add(() -> send(conn, 0x8, new byte[] {0x03, (byte) 0xe8}));
        selector.wakeup();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        while (running) {
            try {
                selector.select(100);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            conn.channel.finishConnect();
                            String request = "GET " + conn.path + " HTTP/1.1\r\nHost: " + conn.host + ":" + port
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + conn.key
                                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
                            write(conn, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            read(conn, key);
                        }
                    } catch (IOException | RuntimeException e) {
                        conn.failed = !conn.open;
                        conn.closed = true;
                        key.cancel();
                        conn.channel.close();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void read(Conn conn, SelectionKey key) throws IOException {
        int n = conn.channel.read(conn.in);
        long now = System.nanoTime();
        if (n < 0) {
            conn.closed = true;
            key.cancel();
            conn.channel.close();
            return;
        }
        conn.in.flip();
        if (!conn.upgraded && !handshake(conn)) {
            conn.in.compact();
            return;
        }
        while (frame(conn, now)) {
            // one frame at a time
        }
        conn.in.compact();
    }

    /** Consumes the 101 answer once it is all here; false while it is not. */
    private boolean handshake(Conn conn) throws IOException {
        ByteBuffer b = conn.in;
        for (int i = b.position(); i + 3 < b.limit(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                byte[] head = new byte[i + 4 - b.position()];
                b.get(head);
                String text = new String(head, StandardCharsets.US_ASCII);
                if (!text.startsWith("HTTP/1.1 101") || !text.contains(accept(conn.key))) {
                    throw new IOException("no upgrade: " + text.lines().findFirst().orElse(""));
                }
                conn.upgraded = true;
                conn.open = true;
                return true;
            }
        }
        return false;
    }

    /** Handles one whole frame from the buffer; false when the next one is not all here yet. */
    private boolean frame(Conn conn, long now) throws IOException {
        ByteBuffer b = conn.in;
        if (b.remaining() < 2) {
            return false;
        }
        int start = b.position();
        int b0 = b.get(start) & 0xff;
        int b1 = b.get(start + 1) & 0x7f;
        int header = 2;
        long length = b1;
        if (b1 == 126) {
            if (b.remaining() < 4) {
                return false;
            }
            length = b.getShort(start + 2) & 0xffff;
            header = 4;
        } else if (b1 == 127) {
            if (b.remaining() < 10) {
                return false;
            }
            length = b.getLong(start + 2);
            header = 10;
        }
        if (length > b.capacity() - header) {
            throw new IOException("frame of " + length + " bytes is more than this client takes");
        }
        if (b.remaining() < header + length) {
            return false;
        }
        byte[] payload = new byte[(int) length];
        b.position(start + header);
        b.get(payload);
        int opcode = b0 & 0x0f;
        boolean fin = (b0 & 0x80) != 0;
        switch (opcode) {
            case 0x0, 0x1 -> {
                conn.fragments.append(new String(payload, StandardCharsets.UTF_8));
                if (fin) {
                    String text = conn.fragments.toString();
                    conn.fragments.setLength(0);
                    conn.listener.onText(text, now);
                }
            }
            case 0x8 -> {
                send(conn, 0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                conn.closed = true;
                conn.channel.close();
            }
            case 0x9 -> send(conn, 0xA, payload);
            default -> { }
        }
        return !conn.closed;
    }

    private void send(Conn conn, int opcode, byte[] payload) {
        if (conn.closed || !conn.open) {
            return;
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        frame.flip();
        try {
            write(conn, frame);
        } catch (IOException e) {
            conn.closed = true;
        }
    }

    private static void write(Conn conn, ByteBuffer data) throws IOException {
        for (int spins = 0; data.hasRemaining(); spins++) {
            if (conn.channel.write(data) == 0 && spins > 1000) {
                throw new IOException("the server does not read");
            }
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
