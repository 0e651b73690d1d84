package dev.loopgate.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * loopgate's own certificate authority, kept in {@code <state-dir>/ca/}: an ECDSA P-256 root that may only sign
 * names under {@code localhost} (and the extra suffixes the config names) and loopback addresses — its critical name
 * constraints make a certificate it signs for any other name invalid everywhere, so even a stolen key cannot
 * impersonate a real site. It issues one leaf per exact name (never a {@code *.localhost} wildcard, which browsers
 * refuse at a public-suffix boundary), valid about 90 days.
 */
public final class LocalCa {
    /** The root's common name, as trust stores list it. */
    public static final String ROOT_NAME = "loopgate local development CA";

    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(90);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate root;
    private final PrivateKey rootKey;
    private final List<String> suffixes;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private LocalCa(X509Certificate root, PrivateKey rootKey, List<String> suffixes, Clock clock) {
        this.root = root;
        this.rootKey = rootKey;
        this.suffixes = suffixes;
        this.clock = clock;
    }

    /** A certificate and its key, with the chain a TLS server sends (the leaf; clients hold the root). */
    public record Leaf(PrivateKey key, X509Certificate certificate, X509Certificate root) {}

    /**
     * The CA in {@code dir} ({@code root.pem}, {@code root.key}), created on first use. {@code extraSuffixes} (e.g.
     * {@code test}) are permitted besides {@code localhost}; they count only when the root is created.
     */
    public static LocalCa loadOrCreate(Path dir, List<String> extraSuffixes, Clock clock)
            throws IOException, GeneralSecurityException {
        Path cert = dir.resolve("root.pem");
        Path key = dir.resolve("root.key");
        List<String> suffixes = new ArrayList<>(List.of("localhost"));
        extraSuffixes.forEach(s -> suffixes.add(s.replaceFirst("^\\.", "").toLowerCase(Locale.ROOT)));
        if (Files.exists(cert) && Files.exists(key)) {
            return new LocalCa(readCertificate(cert), readKey(key), suffixes, clock);
        }
        Files.createDirectories(dir);
        // The gateway makes the CA in the background while 'loopgate trust' may make it too: one of them makes it,
        // under a lock both take, and the other reads it; the root appears whole (written aside, then renamed).
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(
                        dir.resolve("lock"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = lock.lock()) {
            if (Files.exists(cert) && Files.exists(key)) {
                return new LocalCa(readCertificate(cert), readKey(key), suffixes, clock);
            }
            KeyPair pair = newKeyPair();
            X509Certificate root = createRoot(pair, suffixes, clock.instant());
            writeKey(key, pair.getPrivate());
            Path tmp = dir.resolve("root.pem.tmp");
            Files.writeString(tmp, pem(root));
            Files.move(
                    tmp,
                    cert,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new LocalCa(root, pair.getPrivate(), suffixes, clock);
        }
    }

    public X509Certificate root() {
        return root;
    }

    /** Whether the root may sign {@code name}: {@code localhost}, a name under a permitted suffix, a loopback IP. */
    public boolean mayName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (isIpLiteral(n)) {
            return n.startsWith("127.") || n.equals("::1") || n.equals("0:0:0:0:0:0:0:1");
        }
        return suffixes.stream().anyMatch(s -> n.equals(s) || n.endsWith("." + s));
    }

    /** A leaf for exactly {@code name} (a host name or a loopback IP). */
    public Leaf issue(String name) throws GeneralSecurityException {
        return issue(List.of(name));
    }

    /** A leaf for exactly these names (host names or loopback IPs); the first is its subject. */
    public Leaf issue(List<String> names) throws GeneralSecurityException {
        for (String name : names) {
            check(name);
        }
        return sign(names);
    }

    private void check(String name) {
        if (!mayName(name)) {
            throw new IllegalArgumentException(
                    "'" + name + "' is outside what loopgate's CA may sign (localhost, *.localhost, "
                            + String.join(", ", suffixes.subList(1, suffixes.size()))
                            + (suffixes.size() > 1 ? ", " : "")
                            + "loopback addresses)");
        }
    }

    /** Signs a leaf for {@code name} without asking {@link #mayName}: the name constraints' tests need one. */
    Leaf sign(String name) throws GeneralSecurityException {
        return sign(List.of(name));
    }

    private Leaf sign(List<String> names) throws GeneralSecurityException {
        String name = names.get(0);
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    root,
                    serial(),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(LEAF_VALIDITY)),
                    // No CN for an address: OpenSSL checks a CN that looks like a host name against the DNS
                    // constraints.
                    new X500Name(isIpLiteral(name) ? "O=loopgate" : "CN=" + name),
                    pair.getPublic());
            GeneralName[] sans = names.stream()
                    .map(n -> isIpLiteral(n)
                            ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            return new Leaf(pair.getPrivate(), certificate(b, rootKey), root);
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot issue a certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate createRoot(KeyPair pair, List<String> suffixes, Instant now)
            throws GeneralSecurityException, IOException {
        X500Name subject = new X500Name("CN=" + ROOT_NAME + ", O=loopgate");
        List<GeneralSubtree> permitted = new ArrayList<>();
        for (String s : suffixes) {
            // RFC 5280 §4.2.1.10: a dNSName constraint covers the name and every name below it.
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, s)));
        }
        permitted.add(ipSubtree(new byte[] {127, 0, 0, 0, (byte) 255, 0, 0, 0}));
        byte[] v6 = new byte[32];
        v6[15] = 1;
        for (int i = 16; i < 32; i++) {
            v6[i] = (byte) 0xff;
        }
        permitted.add(ipSubtree(v6));
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(ROOT_VALIDITY)),
                    subject,
                    pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(
                    Extension.nameConstraints,
                    true,
                    new NameConstraints(permitted.toArray(GeneralSubtree[]::new), null));
            return certificate(b, pair.getPrivate());
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the local CA: " + e.getMessage(), e);
        }
    }

    /** An iPAddress subtree: the address and its mask, as RFC 5280 encodes them. */
    private static GeneralSubtree ipSubtree(byte[] addressAndMask) {
        return new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(addressAndMask)));
    }

    private static X509Certificate certificate(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** The key file is created readable by its owner only, before a byte of the key is in it. */
    private static void writeKey(Path file, PrivateKey key) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // a half-created CA from an interrupted start: replaced below, permissions kept
        }
        Files.writeString(file, pem(new JcaPKCS8Generator(key, null)));
    }

    static String pem(Object o) throws IOException {
        // A certificate, or a key as PKCS#8 ("PRIVATE KEY"), which OpenSSL, curl and Node read.
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file);
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder h)) {
                throw new IOException(file + " does not hold a certificate; remove the ca folder to make a new CA");
            }
            return new JcaX509CertificateConverter().getCertificate(h);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file);
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " does not hold a private key; remove the ca folder to make a new CA");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }
}
