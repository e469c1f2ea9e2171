package org.headcount.flush;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlushClientTest {

    /** Expected values are what Node's querystring.escape (Pixel Ping's encoder) answers. */
    @ParameterizedTest(name = "escape({0}) = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a b | a%20b",
            "!'()*~-_. | !'()*~-_.",
            "ü | %C3%BC",
            "{\"a\":1} | %7B%22a%22%3A1%7D",
            "&=+/?# | %26%3D%2B%2F%3F%23",
    })
    void escapesAsNodeQuerystringDoes(String raw, String escaped) {
        assertEquals(escaped, FormBody.escape(raw), "escape of " + raw);
    }

    @Test
    void escapesNul() {
        assertEquals("x%00y", FormBody.escape("x\u0000y"), "escape of a NUL");
    }

    @Test
    void bodyIsJsonThenSecret() {
        byte[] json = FormBody.parts(Map.of("k", 2L), null, 1_000).get(0).json();
        assertEquals("json=%7B%22k%22%3A2%7D", new String(FormBody.of(json, null), StandardCharsets.US_ASCII), "without a secret");
        assertEquals("json=%7B%22k%22%3A2%7D&secret=s%20%26x", new String(FormBody.of(json, "s &x"), StandardCharsets.US_ASCII),
                "with a secret");
    }

    @Test
    void signatureIsHexHmacSha256() {
        // RFC 4231, test case 2
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                FormBody.hmacHex(data, data.length, "Jefe"), "HMAC-SHA256");
    }
}
