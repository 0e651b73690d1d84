package dev.loopgate.diagnostics;

import dev.loopgate.tls.TrustStore;
import dev.loopgate.tls.TrustStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code doctor}'s HTTPS checks: whether HTTPS is on (and why not), the root's expiry, which trust stores hold it,
 * and that the certificate each served name gets verifies against the root alone.
 */
public final class HttpsCheck {
    /** Names checked by handshake at most: enough for any dev machine, bounded for one with hundreds. */
    private static final int MAX_NAMES = 20;

    private HttpsCheck() {}

    /**
     * @param httpsPort the running gateway's HTTPS port, 0 when off, {@code null} when no gateway runs
     * @param note why HTTPS is off or elsewhere, from the gateway
     */
    public static List<Check> check(
            Integer httpsPort, String note, Path caDir, List<String> hosts, Map<String, String> env) {
        List<Check> out = new ArrayList<>();
        if (httpsPort != null && httpsPort == 0 && note == null) {
            // Turned off on purpose: the CA and the stores do not matter then.
            out.add(Check.ok("https", "off (--https-port 0)"));
            return out;
        }
        if (httpsPort != null && httpsPort == 0) {
            out.add(Check.warn("https", note, "free the port or choose one with --https-port N; see docs/https.md"));
        } else if (httpsPort != null) {
            out.add(Check.ok("https", "serving on port " + httpsPort + (note == null ? "" : " (" + note + ")")));
        }
        Path root = caDir.resolve("root.pem");
        if (!Files.exists(root)) {
            out.add(Check.warn(
                    "https ca",
                    "no local CA yet in " + caDir,
                    "it is made on the first HTTPS start or 'loopgate trust'"));
            return out;
        }
        X509Certificate ca;
        try {
            ca = dev.loopgate.tls.Pem.certificate(root);
        } catch (Exception e) {
            out.add(Check.fail(
                    "https ca",
                    root + " cannot be read: " + e.getMessage(),
                    "remove " + caDir + " and run 'loopgate trust' again"));
            return out;
        }
        out.add(expiry("https ca", "the root " + root, ca, Duration.ofDays(90)));
        out.add(stores(root, env));
        if (httpsPort != null && httpsPort != 0) {
            out.addAll(names(httpsPort, ca, hosts));
        }
        return out;
    }

    private static Check expiry(String name, String what, X509Certificate c, Duration warnWithin) {
        Instant end = c.getNotAfter().toInstant();
        long days = Duration.between(Instant.now(), end).toDays();
        if (days < 0) {
            return Check.fail(name, what + " expired " + end, "remove it and run 'loopgate trust' again");
        }
        if (Duration.ofDays(days).compareTo(warnWithin) < 0) {
            return Check.warn(
                    name,
                    what + " expires in " + days + " days (" + end + ")",
                    "loopgate renews leaves"
                            + " by itself; for the root, remove the ca directory and run 'loopgate trust' again");
        }
        return Check.ok(name, what + " is valid until " + end.toString().substring(0, 10));
    }

    private static Check stores(Path root, Map<String, String> env) {
        List<String> trusting = new ArrayList<>();
        List<String> not = new ArrayList<>();
        try {
            for (TrustStore s : TrustStores.find("all", env, root)) {
                Boolean t = s.trusts(root);
                if (Boolean.TRUE.equals(t)) {
                    trusting.add(s.describe());
                } else if (Boolean.FALSE.equals(t)) {
                    not.add(s.describe());
                }
            }
        } catch (IOException e) {
            return Check.warn("https trust", "cannot look at the trust stores: " + e.getMessage(), null);
        }
        if (not.isEmpty()) {
            return Check.ok(
                    "https trust",
                    trusting.isEmpty() ? "no store could be checked" : "trusted by " + String.join("; ", trusting));
        }
        return Check.warn(
                "https trust",
                "not trusted by " + String.join("; ", not)
                        + (trusting.isEmpty() ? "" : " (trusted by " + String.join("; ", trusting) + ")"),
                "loopgate trust");
    }

    private static List<Check> names(int port, X509Certificate ca, List<String> hosts) {
        List<Check> out = new ArrayList<>();
        SSLContext tls;
        try {
            tls = trusting(ca);
        } catch (Exception e) {
            out.add(Check.warn("https names", "cannot check: " + e.getMessage(), null));
            return out;
        }
        List<String> failed = new ArrayList<>();
        Instant soonest = null;
        int checked = 0;
        for (String host : hosts) {
            if (host.startsWith("*.") || checked >= MAX_NAMES) {
                continue;
            }
            checked++;
            try {
                X509Certificate leaf = handshake(tls, port, host);
                Instant end = leaf.getNotAfter().toInstant();
                soonest = soonest == null || end.isBefore(soonest) ? end : soonest;
            } catch (Exception e) {
                failed.add(host + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            out.add(Check.fail(
                    "https names",
                    "no valid certificate for " + String.join(", ", failed),
                    "see 'loopgate serve' output; https.names must list suffixes other than .localhost"));
        } else if (checked > 0) {
            out.add(Check.ok(
                    "https names",
                    checked + " name(s) verify against the root; the first certificate to" + " renew ends "
                            + soonest.toString().substring(0, 10)));
        }
        return out;
    }

    private static X509Certificate handshake(SSLContext tls, int port, String host) throws IOException {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            // With a server name set, the JDK checks the certificate against that name, not against 127.0.0.1.
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("loopgate", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }
}
