package dev.loopgate.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS clients that trust only loopgate's root, as a user's machine does after {@code loopgate trust}. */
public final class Tls {
    private Tls() {}

    /** The root of a gateway's CA in {@code stateDir}, once it exists: a gateway makes it in the background. */
    public static Path root(Path stateDir) {
        Path root = stateDir.resolve("ca/root.pem");
        Wait.until("the gateway's CA at " + root, java.time.Duration.ofSeconds(20), () -> Files.exists(root));
        return root;
    }

    public static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public static SSLContext trusting(Path rootPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("loopgate", read(rootPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}
