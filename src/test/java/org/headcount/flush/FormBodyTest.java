package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The body is byte for byte what JSON-B's text, escaped as Node's querystring does, would be; parts fit the limit. */
class FormBodyTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    /** Keys a hostile or unusual page can send, each with its own hit count. */
    private static Map<String, Long> hostileKeys() {
        Map<String, Long> hits = new LinkedHashMap<>();
        String[] keys = {"/a", "__proto__", "constructor", "quote\"d", "back\\slash", "tab\there", "new\nline", "nul\u0000",
            "bell\u0007", "del\u007f", "ü", "日本語", "emoji \uD83D\uDE00", "&=+/?#%", "!'()*~-_.", " ", "x".repeat(512),
            "</script>", "\u2028\u2029"};
        long n = 1;
        for (String key : keys) {
            hits.put(key, n);
            n = n * 7 + 1;
        }
        hits.put("big", Long.MAX_VALUE);
        return hits;
    }

    /** The wire format as built before streaming: JSON-B text, then URLEncoder patched to Node's escape. */
    private static String expected(Map<String, Long> hits, String secret) {
        String body = "json=" + nodeEscape(JSONB.toJson(hits));
        return secret == null ? body : body + "&secret=" + nodeEscape(secret);
    }

    private static String nodeEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%21", "!").replace("%27", "'")
                .replace("%28", "(").replace("%29", ")").replace("%7E", "~");
    }

    /** The body of {@code hits} in one part, as text. */
    private static String body(Map<String, Long> hits, String secret) {
        List<FormBody.Part> parts = FormBody.parts(hits, secret, Long.MAX_VALUE);
        byte[] json = parts.isEmpty() ? "{}".getBytes(StandardCharsets.UTF_8) : parts.get(0).json();
        assertEquals(true, parts.size() <= 1, "no limit, one part");
        return new String(FormBody.of(json, secret), StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    @Test
    void hostileKeysGiveTheSameBytesAsJsonbText() {
        Map<String, Long> hits = hostileKeys();
        assertEquals(expected(hits, null), body(hits, null), "body without a secret");
        assertEquals(expected(hits, "s3 &cr=t ü"), body(hits, "s3 &cr=t ü"), "body with a secret");
    }

    @Test
    void bodyDecodesBackToTheSameHits() {
        Map<String, Long> hits = hostileKeys();
        String body = body(hits, null);
        String json = URLDecoder.decode(body.substring("json=".length()), StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, BigDecimal> decoded = JSONB.fromJson(json, Map.class);
        Map<String, Long> back = new TreeMap<>();
        decoded.forEach((key, n) -> back.put(key, n.longValueExact()));
        assertEquals(new TreeMap<>(hits), back, "every key and count survives the wire");
    }

    @Test
    void partsFitTheLimitExactlyAndTogetherHoldEveryHit() {
        Map<String, Long> hits = new LinkedHashMap<>();
        for (int i = 0; i < 50_000; i++) {
            hits.put("/page/" + i + "/" + "ü".repeat(i % 40), (long) i);
        }
        long limit = 100_000;
        List<FormBody.Part> parts = FormBody.parts(hits, "s3 &cr=t", limit);
        Map<String, Long> joined = new LinkedHashMap<>();
        long keys = 0;
        for (FormBody.Part part : parts) {
            int size = FormBody.of(part.json(), "s3 &cr=t").length;
            assertEquals(true, size <= limit, "a body within the limit: " + size);
            boolean last = part == parts.get(parts.size() - 1);
            assertEquals(true, last || size > limit - 2_000, "a body filled up to the limit, less than one key short: " + size);
            Map<String, Long> decoded = decode(part.json());
            assertEquals(decoded.size(), part.keys(), "keys counted");
            assertEquals(decoded.values().stream().mapToLong(Long::longValue).sum(), part.hits(), "hits counted");
            joined.putAll(decoded);
            keys += part.keys();
        }
        assertEquals(new TreeMap<>(hits), new TreeMap<>(joined), "every key once, in some part");
        assertEquals(hits.size(), keys, "no key in two parts");
        assertEquals(expected(hits, "s3 &cr=t"), body(hits, "s3 &cr=t"), "without a limit: JSON-B's text");
    }

    @Test
    void aKeyLargerThanTheLimitStillGoesInAPartOfItsOwn() {
        Map<String, Long> hits = new LinkedHashMap<>();
        hits.put("a", 1L);
        hits.put("ü".repeat(1_000), 2L);
        hits.put("b", 3L);
        List<FormBody.Part> parts = FormBody.parts(hits, null, 1_000);
        assertEquals(3, parts.size(), "the big key alone, the others around it");
        assertEquals(Map.of("ü".repeat(1_000), 2L), decode(parts.get(1).json()), "the big key is not lost");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> decode(byte[] json) {
        Map<String, BigDecimal> decoded = JSONB.fromJson(new String(json, StandardCharsets.UTF_8), Map.class);
        Map<String, Long> hits = new LinkedHashMap<>();
        decoded.forEach((key, n) -> hits.put(key, n.longValueExact()));
        return hits;
    }

    @Test
    void emptyBatchHasNoParts() {
        assertEquals(List.of(), FormBody.parts(Map.of(), null, 1_000_000), "no hits, nothing to send");
    }
}
