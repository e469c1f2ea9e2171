package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The streamed body is byte for byte what JSON-B's text, escaped as Node's querystring does, would be. */
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

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    @Test
    void hostileKeysGiveTheSameBytesAsJsonbText() {
        Map<String, Long> hits = hostileKeys();
        assertEquals(expected(hits, null), FormBody.of(hits, null).toString(), "body without a secret");
        assertEquals(expected(hits, "s3 &cr=t ü"), FormBody.of(hits, "s3 &cr=t ü").toString(), "body with a secret");
    }

    @Test
    void bodyDecodesBackToTheSameHits() {
        Map<String, Long> hits = hostileKeys();
        String body = FormBody.of(hits, null).toString();
        String json = URLDecoder.decode(body.substring("json=".length()), StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, BigDecimal> decoded = JSONB.fromJson(json, Map.class);
        Map<String, Long> back = new TreeMap<>();
        decoded.forEach((key, n) -> back.put(key, n.longValueExact()));
        assertEquals(new TreeMap<>(hits), back, "every key and count survives the wire");
    }

    @Test
    void manyKeysGrowTheBufferAndStayEqual() {
        Map<String, Long> hits = new LinkedHashMap<>();
        for (int i = 0; i < 50_000; i++) {
            hits.put("/page/" + i + "/" + "ü".repeat(i % 40), (long) i);
        }
        FormBody body = FormBody.of(hits, "k");
        assertEquals(expected(hits, "k"), body.toString(), "a body far past the first guess at its size");
        assertEquals(body.toString().length(), body.length(), "length counts the bytes written");
        assertEquals(true, body.length() > 3 * FormBody.CHUNK_BYTES, "several chunks: " + body.length());
    }

    @Test
    void emptyBatchIsAnEmptyObject() {
        assertEquals("json=%7B%7D", FormBody.of(Map.of(), null).toString(), "no hits");
    }
}
