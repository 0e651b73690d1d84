package dev.loopgate.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Reads a certificate file with the JDK alone: the CLI's trust, env and doctor need no BouncyCastle for it. */
public final class Pem {
    private Pem() {}

    public static X509Certificate certificate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(file + " is not a certificate: " + e.getMessage(), e);
        }
    }
}
