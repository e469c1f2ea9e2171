package org.headcount.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Plain HTTP calls for tests, with a timeout so a hanging server fails the test instead of stalling it. */
public final class Http {

    public static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Http() {
    }

    /** A request builder with the test timeout and {@code headers} as name, value pairs. */
    public static HttpRequest.Builder request(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    public static HttpResponse<byte[]> get(URI uri, String... headers) throws IOException, InterruptedException {
        return CLIENT.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends {@code request} byte for byte over a plain socket and answers the response head (status line and
     * headers): for requests {@link java.net.http.HttpClient} refuses to send, such as malformed escapes.
     */
    public static String raw(int port, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            return end < 0 ? response : response.substring(0, end);
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST /admin/flush} as the admin. */
    public static HttpResponse<String> adminFlush(EmbeddedHeadcount server) throws IOException, InterruptedException {
        return send(request(server.uri("/admin/flush"),
                "Authorization", basic(EmbeddedHeadcount.ADMIN, EmbeddedHeadcount.ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
}
