package org.headcount.flush;

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
 * Node's querystring.escape does; and the cutting of a batch's hits into JSON objects whose bodies fit a size limit.
 * Written byte by byte into plain arrays, a few allocations per key: a flush can hold a million keys.
 */
final class FormBody {

    /** Bytes Node's querystring.escape leaves as they are: {@code A-Za-z0-9-_.!~*'()}. */
    private static final boolean[] UNRESERVED = new boolean[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** The closing {@code }} escaped: three bytes. */
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
        // Each entry's size counts its leading '{' or ','; the closing '}' is kept room for.
        long room = maxBodyBytes - overhead(secret) - ESCAPED_PUNCTUATION;
        List<Part> parts = new ArrayList<>();
        Bytes json = new Bytes(64 * 1024);
        long escaped = 0;
        int keys = 0;
        long sum = 0;
        for (Map.Entry<String, Long> hit : hits.entrySet()) {
            int start = json.size;
            json.put(keys == 0 ? '{' : ',');
            json.jsonString(hit.getKey());
            json.put(':');
            json.ascii(Long.toString(hit.getValue()));
            long size = escapedLength(json.array, start, json.size);
            if (keys > 0 && escaped + size > room) {
                // This key starts the next part: take it back out, close the part, and put it in anew.
                byte[] entry = Arrays.copyOfRange(json.array, start + 1, json.size);
                json.size = start;
                parts.add(json.close(keys, sum));
                json = new Bytes(Math.max(64 * 1024, entry.length + 2));
                json.put('{');
                json.put(entry);
                escaped = keys = 0;
                sum = 0;
            }
            escaped += size;
            keys++;
            sum += hit.getValue();
        }
        if (keys > 0) {
            parts.add(json.close(keys, sum));
        }
        return parts;
    }

    /** The bytes a body adds around the escaped JSON: {@code json=} and the escaped secret. */
    private static long overhead(String secret) {
        if (secret == null) {
            return "json=".length();
        }
        byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
        return "json=".length() + "&secret=".length() + escapedLength(utf8, 0, utf8.length);
    }

    /** The whole body for one batch's JSON. */
    static byte[] of(byte[] json, String secret) {
        byte[] secretUtf8 = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        long length = "json=".length() + escapedLength(json, 0, json.length)
                + (secret == null ? 0 : "&secret=".length() + escapedLength(secretUtf8, 0, secretUtf8.length));
        Bytes body = new Bytes((int) length);
        body.ascii("json=");
        body.escape(json);
        if (secret != null) {
            body.ascii("&secret=");
            body.escape(secretUtf8);
        }
        return body.bytes();
    }

    /** Node's querystring.escape of {@code s}: like encodeURIComponent. */
    static String escape(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        Bytes out = new Bytes((int) escapedLength(utf8, 0, utf8.length));
        out.escape(utf8);
        return new String(out.bytes(), StandardCharsets.US_ASCII);
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

    private static long escapedLength(byte[] in, int from, int to) {
        long length = 0;
        for (int i = from; i < to; i++) {
            byte b = in[i];
            length += b >= 0 && UNRESERVED[b] ? 1 : 3;
        }
        return length;
    }

    /** A growable byte array, without the locking of ByteArrayOutputStream. */
    private static final class Bytes {
        byte[] array;
        int size;

        Bytes(int capacity) {
            array = new byte[Math.max(capacity, 16)];
        }

        void put(int b) {
            if (size == array.length) {
                array = Arrays.copyOf(array, array.length * 2);
            }
            array[size++] = (byte) b;
        }

        void put(byte[] bytes) {
            if (size + bytes.length > array.length) {
                array = Arrays.copyOf(array, Math.max(array.length * 2, size + bytes.length));
            }
            System.arraycopy(bytes, 0, array, size, bytes.length);
            size += bytes.length;
        }

        void ascii(String text) {
            for (int i = 0; i < text.length(); i++) {
                put(text.charAt(i));
            }
        }

        /** {@code text} as a JSON string in UTF-8, escaped as JSON-P's generator escapes it (RFC 8259). */
        void jsonString(String text) {
            put('"');
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                switch (b) {
                    case '"', '\\' -> {
                        put('\\');
                        put(b);
                    }
                    case '\b' -> ascii("\\b");
                    case '\f' -> ascii("\\f");
                    case '\n' -> ascii("\\n");
                    case '\r' -> ascii("\\r");
                    case '\t' -> ascii("\\t");
                    default -> {
                        if (b >= 0 && b < 0x20) {
                            ascii("\\u00");
                            put(Character.forDigit(b >> 4, 16));
                            put(Character.forDigit(b & 0xf, 16));
                        } else {
                            put(b);
                        }
                    }
                }
            }
            put('"');
        }

        /** {@code in}, percent-escaped as Node's querystring.escape does. */
        void escape(byte[] in) {
            for (byte value : in) {
                int b = value & 0xff;
                if (b < 128 && UNRESERVED[b]) {
                    put(b);
                } else {
                    put('%');
                    put(HEX[b >> 4]);
                    put(HEX[b & 0xf]);
                }
            }
        }

        /** What was written, in an array of its own size (without a copy when it fits already). */
        byte[] bytes() {
            return size == array.length ? array : Arrays.copyOf(array, size);
        }

        Part close(int keys, long hits) {
            put('}');
            return new Part(bytes(), keys, hits);
        }
    }
}
