package dev.loopgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA's root is name-constrained: what it signs for local names verifies, and what it would sign for any
 * other name fails — checked with the JDK's PKIX validator and with the real {@code openssl verify}.
 */
class LocalCaTest {
    @TempDir
    Path dir;

    private LocalCa ca() throws Exception {
        return LocalCa.loadOrCreate(dir.resolve("ca"), List.of(), Clock.systemUTC());
    }

    /**
     * The JDK's own path validation. The JDK does not take name constraints on a trust anchor, so the root is both
     * the anchor and the path's top certificate, where its constraints are processed as any CA's are.
     */
    private static void jdkVerify(LocalCa.Leaf leaf) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(leaf.root(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(
                        CertificateFactory.getInstance("X.509")
                                .generateCertPath(List.of(leaf.certificate(), leaf.root())),
                        params);
    }

    /** {@code openssl verify}'s output and exit status, with the root as the only CA. */
    private String opensslVerify(LocalCa.Leaf leaf) throws Exception {
        Path root = dir.resolve("ca/root.pem");
        Path cert = Files.writeString(dir.resolve("leaf.pem"), LocalCa.pem(leaf.certificate()));
        Process p = new ProcessBuilder("openssl", "verify", "-CAfile", root.toString(), cert.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void theRootIsCreatedOnceWithCriticalNameConstraintsAndAPrivateKey() throws Exception {
        X509Certificate root = ca().root();

        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.30", "2.5.29.19", "2.5.29.15");
        assertThat(root.getBasicConstraints()).isZero();
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca/root.key"))))
                .isEqualTo("rw-------");
        assertThat(ca().root().getSerialNumber()).as("loaded, not made again").isEqualTo(root.getSerialNumber());
    }

    @Test
    void leavesForLocalNamesVerify() throws Exception {
        LocalCa ca = ca();
        for (String name : List.of("web.localhost", "localhost", "a.b.web.localhost", "127.0.0.1", "::1")) {
            LocalCa.Leaf leaf = ca.issue(name);
            jdkVerify(leaf);
            assertThat(opensslVerify(leaf)).as(name).startsWith("0 ").contains(": OK");
            assertThat(leaf.certificate().getNotAfter().getTime() - System.currentTimeMillis())
                    .isBetween(LocalCa.LEAF_VALIDITY.toMillis() - 60_000, LocalCa.LEAF_VALIDITY.toMillis());
        }
    }

    @Test
    void whatTheRootSignsForAnyOtherNameFailsVerification() throws Exception {
        LocalCa ca = ca();
        for (String name : List.of("example.com", "localhost.evil.com", "10.0.0.1")) {
            LocalCa.Leaf leaf = ca.sign(name); // as a thief holding the key would
            assertThatThrownBy(() -> jdkVerify(leaf)).as(name).isInstanceOf(CertPathValidatorException.class);
            assertThat(opensslVerify(leaf)).as(name).doesNotStartWith("0 ").contains("subtree violation");
        }
    }

    @Test
    void theCaRefusesToIssueOutsideItsNames() throws Exception {
        assertThatThrownBy(() -> ca().issue("example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside what loopgate's CA may sign");
    }

    @Test
    void extraSuffixesFromTheConfigArePermittedToo() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("ca"), List.of(".test"), Clock.systemUTC());
        LocalCa.Leaf leaf = ca.issue("app.test");
        jdkVerify(leaf);
        assertThat(opensslVerify(leaf)).startsWith("0 ");
    }
}
