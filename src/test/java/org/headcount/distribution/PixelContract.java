package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pixel and the flush, black-box: what a page's browser gets, and what the user's application receives. */
interface PixelContract extends DeployedWar {

    byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private URI pixel(String key) {
        return server().uri("/pixel.gif?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private static void assertGif(HttpResponse<byte[]> response, String ignored, String what) {
        assertEquals(200, response.statusCode(), what + ": status");
        assertEquals("image/gif", response.headers().firstValue("Content-Type").orElse(null), what + ": Content-Type");
        assertEquals("private, no-cache, no-store, max-age=0, proxy-revalidate",
                response.headers().firstValue("Cache-Control").orElse(null), what + ": Cache-Control");
        assertEquals("no-cache", response.headers().firstValue("Pragma").orElse(null), what + ": Pragma");
        assertEquals("0", response.headers().firstValue("Expires").orElse(null), what + ": Expires");
        assertEquals(ignored, response.headers().firstValue("X-Headcount-Ignored").orElse(null), what + ": X-Headcount-Ignored");
        assertArrayEquals(GIF, response.body(), what + ": the 1×1 transparent GIF89a");
    }

    @Test
    default void getAndPostAreCountedUnderTheKeyExactlyAndHeadIsNot() throws Exception {
        flushed();
        String key = "/über 🎉/a&b=c?d#e";
        assertGif(Http.get(pixel(key)), null, "GET");
        assertGif(Http.CLIENT.send(Http.request(pixel(key), "Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("beacon")).build(), HttpResponse.BodyHandlers.ofByteArray()),
                null, "POST (sendBeacon)");
        HttpResponse<Void> head = Http.CLIENT.send(Http.request(pixel(key)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode(), "HEAD status");
        assertEquals("image/gif", head.headers().firstValue("Content-Type").orElse(null), "HEAD Content-Type");
        assertEquals(Map.of(key, 2L), flushed(), "GET and POST counted once each under the decoded key, HEAD not at all");
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no key | /pixel.gif | no-key",
            "empty key | /pixel.gif?key= | no-key",
            "513 characters | /pixel.gif?key=LONG | key-too-long",
    })
    default void refusedHitsStillGetTheGifAndSayWhy(String what, String path, String reason) throws Exception {
        flushed();
        assertGif(Http.get(server().uri(path.replace("LONG", "k".repeat(513)))), reason, what);
        assertEquals(Map.of(), flushed(), what + ": nothing counted");
    }

    @Test
    default void flushIsPixelPingsWireFormatWithABatchIdAndASignature() throws Exception {
        flushed();
        Http.get(pixel("/wire"));
        Receiver.Request request = flush();
        assertEquals("POST", request.method(), "method");
        assertEquals("/hits", request.uri().getPath(), "the endpoint's path");
        assertEquals("site=headcount-test", request.uri().getQuery(), "the endpoint's query string is kept");
        assertEquals("application/x-www-form-urlencoded", request.header("Content-Type"), "Content-Type");
        assertEquals(List.of("json", "secret"), List.copyOf(request.form().keySet()), "form fields, in Pixel Ping's order");
        assertEquals("{\"/wire\":1}", request.form().get("json"), "json= is the key → hits object");
        assertEquals(SECRET, request.form().get("secret"), "secret= as configured");
        assertEquals(request.batchId(), UUID.fromString(request.batchId()).toString(), "Idempotency-Key is a UUID");
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertEquals("sha256=" + HexFormat.of().formatHex(hmac.doFinal(request.body().getBytes(StandardCharsets.UTF_8))),
                request.header("X-Headcount-Signature"), "X-Headcount-Signature is the HMAC-SHA256 of the body");
    }
}
