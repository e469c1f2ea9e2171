package org.headcount.flush;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    String secret() {
        return secret;
    }

    /**
     * Sends {@code body} as batch {@code id}; returns normally only on a 2xx answer read to its end within
     * {@code timeoutMs} (or the flush timeout, if shorter): connect, request, headers and body all count, so a
     * response body that stalls is a failure too. The HTTP client's own timeout covers the headers only.
     */
    public void send(String id, byte[] body, long timeoutMs) throws FlushFailure, InterruptedException {
        long deadlineMs = Math.min(timeoutMs, timeout.toMillis());
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofMillis(deadlineMs))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            request.header("X-Headcount-Signature", "sha256=" + FormBody.hmacHex(body, body.length, secret));
        }
        CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        int status;
        try {
            status = answer.get(deadlineMs, TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            answer.cancel(true); // closes the connection, so nothing lingers from a stalled answer
            throw new FlushFailure("timed out after " + deadlineMs + "ms", 0);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new FlushFailure("timed out after " + deadlineMs + "ms", 0);
            }
            throw new FlushFailure(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), 0);
        }
        if (status / 100 != 2) {
            throw new FlushFailure("HTTP " + status, status);
        }
    }

    /** Why a send did not get a 2xx; an expected failure, logged as one line without a stack trace. */
    public static final class FlushFailure extends Exception {
        private final int status;

        FlushFailure(String reason, int status) {
            super(reason, null, false, false);
            this.status = status;
        }

        /** The endpoint refused the body as too large (413): a receiver's body limit below maxBodyBytes. */
        boolean tooLarge() {
            return status == 413;
        }
    }
}
