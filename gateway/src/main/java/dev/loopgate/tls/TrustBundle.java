package dev.loopgate.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What {@code loopgate env} points tools at: a PEM bundle of the system's roots plus loopgate's (for
 * {@code SSL_CERT_FILE}, {@code REQUESTS_CA_BUNDLE}, {@code CURL_CA_BUNDLE}, which replace a tool's roots rather than
 * add to them, so loopgate's alone would break every other HTTPS site), and a JVM truststore of the JDK's roots plus
 * loopgate's. Both are rebuilt from the current roots each time.
 */
public final class TrustBundle {
    public static final String STORE_PASSWORD = "changeit";
    private static final List<String> SYSTEM_BUNDLES = List.of(
            "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Alpine
            "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL
            "/etc/ssl/cert.pem"); // macOS, BSDs

    private TrustBundle() {}

    /** The files written: {@code root} (loopgate's alone), {@code bundle} (PEM), {@code truststore} (PKCS#12). */
    public record Written(Path root, Path bundle, Path truststore) {}

    public static Written write(Path caDir, Map<String, String> env) throws IOException, GeneralSecurityException {
        Path root = caDir.resolve("root.pem");
        X509Certificate loopgate = Pem.certificate(root);
        Path bundle = caDir.resolve("bundle.pem");
        String system = systemRoots(env, bundle);
        replace(
                bundle,
                (system.endsWith("\n") ? system : system + "\n") + "# loopgate local development CA\n"
                        + Files.readString(root));
        Path truststore = caDir.resolve("truststore.p12");
        KeyStore jdk = jdkRoots();
        KeyStore out = KeyStore.getInstance("PKCS12");
        out.load(null, null);
        for (String alias : Collections.list(jdk.aliases())) {
            Certificate c = jdk.getCertificate(alias);
            if (c != null) {
                out.setCertificateEntry(alias, c);
            }
        }
        out.setCertificateEntry("loopgate-local-ca", loopgate);
        Path tmp = truststore.resolveSibling("truststore.p12.tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            out.store(o, STORE_PASSWORD.toCharArray());
        }
        Files.move(tmp, truststore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Written(root, bundle, truststore);
    }

    /** The system's PEM bundle; without one, the JDK's roots written as PEM. Never loopgate's own bundle. */
    private static String systemRoots(Map<String, String> env, Path ours) throws IOException, GeneralSecurityException {
        String fromEnv = env.get("SSL_CERT_FILE");
        if (fromEnv != null
                && !Path.of(fromEnv).toAbsolutePath().equals(ours.toAbsolutePath())
                && Files.isReadable(Path.of(fromEnv))) {
            return Files.readString(Path.of(fromEnv));
        }
        for (String candidate : SYSTEM_BUNDLES) {
            Path p = Path.of(candidate);
            if (Files.isReadable(p)) {
                return Files.readString(p);
            }
        }
        KeyStore jdk = jdkRoots();
        StringBuilder pem = new StringBuilder();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (String alias : Collections.list(jdk.aliases())) {
            Certificate c = jdk.getCertificate(alias);
            if (c != null) {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
        }
        return pem.toString();
    }

    private static KeyStore jdkRoots() throws IOException, GeneralSecurityException {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(cacerts)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
