package org.headcount.flush;

import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pixel Ping's flush body, {@code json=<JSON of key → hits>} then {@code &secret=<secret>}, each value escaped as
 * Node's querystring.escape does; and the cutting of a batch's hits into JSON objects whose bodies fit a size limit.
 */
final class FormBody {

    private static final JsonProvider JSON = JsonProvider.provider();
    /** Bytes Node's querystring.escape leaves as they are: {@code A-Za-z0-9-_.!~*'()}. */
    private static final boolean[] UNRESERVED = new boolean[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** {@code {}:,"} are each escaped to three bytes. */
    private static final int ESCAPED_PUNCTUATION = 3;

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".toCharArray()) {
            UNRESERVED[c] = true;
        }
    }

    /** The JSON object of one batch's hits, as UTF-8, with how many keys and hits it holds. */
    record Part(byte[] json, int keys, long hits) {}

    private FormBody() {
    }

    /**
     * The hits as JSON objects in order, each as large as fits a body of {@code maxBodyBytes} with this secret.
     * A single key too large for any body still gets a part of its own: it is the receiver's to refuse.
     */
    static List<Part> parts(Map<String, Long> hits, String secret, long maxBodyBytes) {
        long room = maxBodyBytes - overhead(secret) - 2 * ESCAPED_PUNCTUATION;
        List<Part> parts = new ArrayList<>();
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        long[] used = {0, 0, 0}; // escaped bytes, keys, hits of the part being made
        for (Map.Entry<String, Long> hit : hits.entrySet()) {
            // JSON-P's own string escaping, so the text is what a JSON generator writes.
            byte[] entry = (JSON.createValue(hit.getKey()) + ":" + hit.getValue()).getBytes(StandardCharsets.UTF_8);
            long size = escapedLength(entry) + (used[1] == 0 ? 0 : ESCAPED_PUNCTUATION);
            if (used[1] > 0 && used[0] + size > room) {
                parts.add(close(json, used));
                json.reset();
                size -= ESCAPED_PUNCTUATION;
                used[0] = used[1] = used[2] = 0;
            }
            json.write(used[1] == 0 ? '{' : ',');
            json.writeBytes(entry);
            used[0] += size;
            used[1]++;
            used[2] += hit.getValue();
        }
        if (used[1] > 0) {
            parts.add(close(json, used));
        }
        return parts;
    }

    private static Part close(ByteArrayOutputStream json, long[] used) {
        json.write('}');
        return new Part(json.toByteArray(), (int) used[1], used[2]);
    }

    /** The bytes a body adds around the escaped JSON: {@code json=} and the escaped secret. */
    private static long overhead(String secret) {
        return "json=".length() + (secret == null ? 0 : "&secret=".length() + escapedLength(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** The whole body for one batch's JSON. */
    static byte[] of(byte[] json, String secret) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + 64);
        body.writeBytes("json=".getBytes(StandardCharsets.US_ASCII));
        escape(json, body);
        if (secret != null) {
            body.writeBytes("&secret=".getBytes(StandardCharsets.US_ASCII));
            escape(secret.getBytes(StandardCharsets.UTF_8), body);
        }
        return body.toByteArray();
    }

    /** Node's querystring.escape of {@code s}: like encodeURIComponent. */
    static String escape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        escape(s.getBytes(StandardCharsets.UTF_8), out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** Hex HMAC-SHA256 of {@code data[0..length)}, keyed by the UTF-8 of {@code secret}. */
    static String hmacHex(byte[] data, int length, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(data, 0, length);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static long escapedLength(byte[] in) {
        long length = 0;
        for (byte b : in) {
            length += b >= 0 && UNRESERVED[b] ? 1 : 3;
        }
        return length;
    }

    private static void escape(byte[] in, ByteArrayOutputStream out) {
        for (byte value : in) {
            int b = value & 0xff;
            if (b < 128 && UNRESERVED[b]) {
                out.write(b);
            } else {
                out.write('%');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 0xf]);
            }
        }
    }
}
