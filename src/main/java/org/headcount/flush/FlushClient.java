package org.headcount.flush;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.headcount.DaemonThreads;

/** POSTs a batch to the endpoint in Pixel Ping's wire format, plus the Idempotency-Key and signature headers. */
public final class FlushClient implements AutoCloseable {

    private final URI endpoint;
    private final String secret;
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient http;

    public FlushClient(URI endpoint, String secret, Duration timeout) {
        this.endpoint = endpoint;
        this.secret = secret;
        this.timeout = timeout;
        // Our own executor, so the client's worker threads end with the webapp instead of outliving it.
        this.executor = Executors.newCachedThreadPool(DaemonThreads.named("headcount-flush-http"));
        // The client's selector thread inherits the context class loader and lives until the client is collected:
        // it must not pin this webapp's loader after an undeploy.
        Thread thread = Thread.currentThread();
        ClassLoader webapp = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                    .executor(executor).build();
        } finally {
            thread.setContextClassLoader(webapp);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Sends {@code json} as batch {@code id}; returns normally only on a 2xx answer. */
    public void send(String id, String json) throws FlushFailure, InterruptedException {
        String body = body(json, secret);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", id)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (secret != null) {
            request.header("X-Headcount-Signature", "sha256=" + signature(body, secret));
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new FlushFailure("timed out after " + timeout.toMillis() + "ms");
        } catch (IOException e) {
            throw new FlushFailure(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (response.statusCode() / 100 != 2) {
            throw new FlushFailure("HTTP " + response.statusCode());
        }
    }

    /** Pixel Ping's body: {@code json=…} then {@code &secret=…}, escaped as Node's querystring does. */
    static String body(String json, String secret) {
        String body = "json=" + escape(json);
        return secret == null ? body : body + "&secret=" + escape(secret);
    }

    /** Node's querystring.escape: like encodeURIComponent, leaving {@code A-Za-z0-9-_.!~*'()} as they are. */
    static String escape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%21", "!").replace("%27", "'")
                .replace("%28", "(").replace("%29", ")").replace("%7E", "~");
    }

    /** Hex HMAC-SHA256 of the UTF-8 body, keyed by the secret. */
    static String signature(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Why a send did not get a 2xx; an expected failure, logged as one line without a stack trace. */
    public static final class FlushFailure extends Exception {
        FlushFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
