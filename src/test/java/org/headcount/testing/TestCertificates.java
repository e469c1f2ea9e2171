package org.headcount.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 it signed, made with the JDK's keytool,
 * written as the PEM files Pixel Ping took (sslcert, sslkey, sslca) and as PKCS#12 key and trust stores.
 */
public final class TestCertificates {

    public static final String PASSWORD = "test-only";
    private static final Duration KEYTOOL_WITHIN = Duration.ofSeconds(60);

    private final Path dir;
    private final Certificate ca;
    private final Certificate server;
    private final PrivateKey serverKey;

    private TestCertificates(Path dir, Certificate ca, Certificate server, PrivateKey serverKey) {
        this.dir = dir;
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
    }

    /** Makes the CA, the server's key and its certificate in {@code dir}. */
    public static TestCertificates create(Path dir) throws Exception {
        String validity = "2"; // days: long enough for a test run, and harmless if a file is left behind
        keytool(dir, "-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=Headcount Test CA",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", validity, "-ext", "bc:c");
        keytool(dir, "-genkeypair", "-keystore", "server.p12", "-alias", "server", "-dname", "CN=127.0.0.1",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", validity);
        keytool(dir, "-certreq", "-keystore", "server.p12", "-alias", "server", "-file", "server.csr");
        keytool(dir, "-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", "server.csr", "-outfile", "server.crt",
                "-rfc", "-validity", validity, "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth",
                "-ext", "ku=digitalSignature,keyEncipherment");
        keytool(dir, "-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.crt");

        KeyStore serverStore = load(dir.resolve("server.p12"));
        PrivateKey key = (PrivateKey) serverStore.getKey("server", PASSWORD.toCharArray());
        TestCertificates certificates = new TestCertificates(dir, read(dir.resolve("ca.crt")), read(dir.resolve("server.crt")), key);
        Files.writeString(certificates.serverKey(), pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        try (var out = Files.newOutputStream(certificates.trustStore())) {
            certificates.trustStoreOfCa().store(out, PASSWORD.toCharArray());
        }
        return certificates;
    }

    /** Pixel Ping's {@code sslca}, Tomcat's {@code certificateChainFile}: the CA certificate, PEM. */
    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** Pixel Ping's {@code sslcert}, Tomcat's {@code certificateFile}: the server certificate, PEM. */
    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    /** Pixel Ping's {@code sslkey}, Tomcat's {@code certificateKeyFile}: the server's private key, PKCS#8 PEM. */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** The server certificate, as TLS clients receive it. */
    public Certificate serverCertificate() {
        return server;
    }

    /** A PKCS#12 truststore holding only the CA, for {@code -Djavax.net.ssl.trustStore}. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** TLS for clients that trust this CA and nothing else. */
    public SSLContext clientContext() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStoreOfCa());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** TLS for a server presenting the certificate for 127.0.0.1, with the CA as its chain. */
    public SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKey, PASSWORD.toCharArray(), new Certificate[] {server, ca});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private KeyStore trustStoreOfCa() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("headcount-test-ca", ca);
        return store;
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(KEYTOOL_WITHIN.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
