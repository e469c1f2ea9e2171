package org.headcount.flush;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /** Sends {@code hits} as batch {@code id}; returns normally only on a 2xx answer. */
    public void send(String id, Map<String, Long> hits) throws FlushFailure, InterruptedException {
        FormBody body = FormBody.of(hits, secret);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", id)
                .POST(body.publisher());
        if (secret != null) {
            request.header("X-Headcount-Signature", "sha256=" + body.signature(secret));
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

    /** Why a send did not get a 2xx; an expected failure, logged as one line without a stack trace. */
    public static final class FlushFailure extends Exception {
        FlushFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
