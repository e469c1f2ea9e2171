package org.headcount.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for servers in other processes, which cannot be told to take port 0 and report back as easily. */
public final class FreePort {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_767;
    private static final int ATTEMPTS = 100;

    private FreePort() {
    }

    /**
     * A port nothing uses now, released again for the child process to take. It comes from below the kernel's
     * ephemeral range (32768-60999 on Linux), which the OS's pick for port 0 and every outgoing connection draw
     * from: a port from there could be taken by a connection before the child binds it.
     */
    public static int next() {
        for (int attempt = 1; ; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                if (attempt == ATTEMPTS) {
                    throw new UncheckedIOException("no free port in " + LOWEST + "-" + HIGHEST, taken);
                }
            }
        }
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
