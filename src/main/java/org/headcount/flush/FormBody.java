package org.headcount.flush;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pixel Ping's flush body, {@code json=<JSON of key → hits>} then {@code &secret=<secret>}, each value escaped as
 * Node's querystring.escape does. Built in one pass: JSON-P's generator writes the JSON straight through the
 * percent-encoder into 64 KB chunks, so a batch of a million keys is never held as JSON text, escaped text and
 * bytes at once, nor as one array large enough to upset the garbage collector.
 */
final class FormBody {

    private static final JsonGeneratorFactory JSON = Json.createGeneratorFactory(Map.of());
    /** Bytes Node's querystring.escape leaves as they are: {@code A-Za-z0-9-_.!~*'()}. */
    private static final boolean[] UNRESERVED = new boolean[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK_BYTES = 64 * 1024;

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".toCharArray()) {
            UNRESERVED[c] = true;
        }
    }

    private final List<byte[]> full = new ArrayList<>();
    private byte[] chunk;
    private int used;

    private FormBody(int firstChunkBytes) {
        chunk = new byte[firstChunkBytes];
    }

    static FormBody of(Map<String, Long> hits, String secret) {
        FormBody body = new FormBody(CHUNK_BYTES);
        body.raw("json=");
        try (JsonGenerator json = JSON.createGenerator(body.new Escaping(), StandardCharsets.UTF_8)) {
            json.writeStartObject();
            hits.forEach((key, n) -> json.write(key, n));
            json.writeEnd();
        }
        if (secret != null) {
            body.raw("&secret=");
            body.escaped(secret.getBytes(StandardCharsets.UTF_8));
        }
        return body;
    }

    /** Node's querystring.escape of {@code s}: like encodeURIComponent. */
    static String escape(String s) {
        FormBody body = new FormBody(Math.max(3 * s.length(), 1));
        body.escaped(s.getBytes(StandardCharsets.UTF_8));
        return body.toString();
    }

    long length() {
        return (long) full.size() * CHUNK_BYTES + used;
    }

    /** The body for the HTTP client, with its Content-Length. */
    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(chunks()), length());
    }

    /** Hex HMAC-SHA256 of the body, keyed by the secret. */
    String signature(String secret) {
        Mac mac = hmac(secret);
        chunks().forEach(mac::update);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Hex HMAC-SHA256 of {@code data[0..length)}, keyed by the UTF-8 of {@code secret}. */
    static String hmacHex(byte[] data, int length, String secret) {
        Mac mac = hmac(secret);
        mac.update(data, 0, length);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    private static Mac hmac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The body as text: it is all ASCII. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder((int) length());
        chunks().forEach(bytes -> text.append(new String(bytes, StandardCharsets.US_ASCII)));
        return text.toString();
    }

    private List<byte[]> chunks() {
        List<byte[]> chunks = new ArrayList<>(full);
        chunks.add(Arrays.copyOf(chunk, used));
        return chunks;
    }

    private void raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            put(ascii.charAt(i));
        }
    }

    private void escaped(byte[] in) {
        escaped(in, 0, in.length);
    }

    /** Appends {@code in[from..to)} escaped. */
    private void escaped(byte[] in, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = in[i] & 0xff;
            if (b < 128 && UNRESERVED[b]) {
                put(b);
            } else {
                put('%');
                put(HEX[b >> 4]);
                put(HEX[b & 0xf]);
            }
        }
    }

    private void put(int b) {
        if (used == chunk.length) {
            full.add(chunk);
            chunk = new byte[CHUNK_BYTES];
            used = 0;
        }
        chunk[used++] = (byte) b;
    }

    /** Where the JSON generator writes its UTF-8: escaped on the way in. */
    private final class Escaping extends OutputStream {
        @Override
        public void write(int b) {
            escaped(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] in, int offset, int count) {
            escaped(in, offset, offset + count);
        }
    }
}
