package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Distributions;
import org.headcount.testing.FreePort;
import org.headcount.testing.Http;
import org.headcount.testing.LiveClient;
import org.headcount.testing.Receiver;
import org.headcount.testing.TestCertificates;
import org.headcount.testing.TomcatDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS in the real Tomcat: tomcat-conf/server.xml's PEM connector switched on as its comment says, with Pixel Ping's
 * sslcert/sslkey/sslca as PEM files; and flushes to an {@code https://} endpoint whose CA the container's JVM
 * trusts through {@code -Djavax.net.ssl.trustStore}.
 */
class TomcatHttpsIT {

    private static final Duration SOON = Duration.ofSeconds(10);
    private static TestCertificates certificates;
    private static HttpClient trusting;
    private static Receiver receiver;
    private static DeployedServer server;
    private static int httpsPort;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(Distributions.freshDirectory("certificates"));
        trusting = HttpClient.newBuilder().sslContext(certificates.clientContext()).connectTimeout(SOON).build();
        receiver = new Receiver(certificates.serverContext());
        httpsPort = FreePort.next();
        server = TomcatDistribution.fromBuild().withHttpsConnector().deploy(FreePort.next(),
                Map.of("endpoint", receiver.uri("/hits").toString(), "interval", "1h"),
                List.of("-Dhttps.port=" + httpsPort,
                        "-Dssl.cert=" + certificates.serverCert(),
                        "-Dssl.key=" + certificates.serverKey(),
                        "-Dssl.chain=" + certificates.caCert(),
                        "-Djavax.net.ssl.trustStore=" + certificates.trustStore(),
                        "-Djavax.net.ssl.trustStorePassword=" + TestCertificates.PASSWORD,
                        "-Djavax.net.ssl.trustStoreType=PKCS12"));
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    private static URI https(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + httpsPort + "/headcount" + pathAndQuery);
    }

    @Test
    void pixelIsServedOverHttpsWithTheServersPemCertificate() throws Exception {
        HttpResponse<byte[]> pixel = trusting.send(Http.request(https("/pixel.gif?key=tls")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pixel.statusCode(), "status over HTTPS");
        assertEquals("image/gif", pixel.headers().firstValue("Content-Type").orElse(null), "the pixel");
        assertArrayEquals(PixelContract.GIF, pixel.body(), "the GIF");
        assertTrue(pixel.sslSession().isPresent(), "it went over TLS");
        assertEquals(certificates.serverCertificate(), pixel.sslSession().get().getPeerCertificates()[0],
                "the certificate Tomcat presents is the PEM sslcert");
        assertEquals(HttpClient.Version.HTTP_2, pixel.version(), "the connector's UpgradeProtocol offers HTTP/2 over TLS");
        assertThrows(SSLHandshakeException.class, () -> Http.get(https("/pixel.gif?key=untrusted")),
                "a client that does not trust the test CA refuses the connection: it is really this certificate");
    }

    @Test
    void liveCountsComeOverWss() throws Exception {
        URI wss = URI.create(https("/live?page=/over-tls").toString().replaceFirst("^https", "wss"));
        try (LiveClient client = LiveClient.openSecure(wss, certificates.clientContext())) {
            assertEquals(Map.of("page", "/over-tls", "online", BigDecimal.ONE), client.next(SOON), "the count over wss://");
        }
    }

    @Test
    void flushReachesAnHttpsEndpointTrustedThroughTheJvmTruststore() throws Exception {
        Http.get(server.uri("/pixel.gif?key=to-https"));
        HttpResponse<String> flush = trusting.send(Http.request(https("/admin/flush"),
                "Authorization", Http.basic(DeployedWar.ADMIN, DeployedWar.ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, flush.statusCode(), "admin flush over HTTPS: " + flush.body());
        assertTrue(flush.body().contains("\"outcome\":\"delivered\""), "delivered to the https:// endpoint: " + flush.body());
        assertEquals(1L, receiver.take(SOON).hits().get("to-https"), "the HTTPS receiver got the hit");
    }
}
