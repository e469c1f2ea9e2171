package org.headcount.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP peer on 127.0.0.1 and port 0 that accepts every connection, reads what it is sent and never answers. */
public final class HangingServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();

    public HangingServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("hanging-server-accept", this::acceptAll).start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code redis://127.0.0.1:port}: a Redis that takes every command and replies to none. */
    public URI redisUrl() {
        return URI.create("redis://127.0.0.1:" + port());
    }

    /** How many connections were accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                accepted.add(socket);
                connections.incrementAndGet();
                if (listener.isClosed()) {
                    socket.close(); // accepted while close() ran, perhaps after it closed the others
                }
                daemon("hanging-server-read-" + socket.getPort(), () -> discard(socket)).start();
            } catch (IOException closed) {
                return; // close() closed the listener
            }
        }
    }

    /** Reads so the client's writes never block on a full window: the point is a peer that is silent, not one that is slow. */
    private static void discard(Socket socket) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // discarded
            }
        } catch (IOException closed) {
            // the client or close() ended the connection
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Closes the listener and every accepted connection. Idempotent. */
    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
