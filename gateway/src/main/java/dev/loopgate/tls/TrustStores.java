package dev.loopgate.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trust stores found on this machine, each added to and removed from with its own tool: the system store
 * (Debian's {@code update-ca-certificates}, p11-kit's {@code trust}, macOS's {@code security}, Windows'
 * {@code certutil -user}), the NSS databases Chromium and Firefox read on Linux (they ignore the system store), and the
 * JDK's {@code cacerts}.
 */
public final class TrustStores {
    private TrustStores() {}

    /** The stores of {@code kind} ({@code system}, {@code nss}, {@code java} or {@code all}) found for this user. */
    public static List<TrustStore> find(String kind, Map<String, String> env, Path root) throws IOException {
        String nick = nickname(root);
        List<TrustStore> out = new ArrayList<>();
        if (kind.equals("all") || kind.equals("system")) {
            TrustStore system = system(env, nick);
            if (system != null) {
                out.add(system);
            }
        }
        if (kind.equals("all") || kind.equals("nss")) {
            out.addAll(nss(env, nick));
        }
        if (kind.equals("all") || kind.equals("java")) {
            out.add(java(env, nick));
        }
        return out;
    }

    /** The name the root is stored under: one per CA, so two state directories' roots never replace each other. */
    static String nickname(Path root) throws IOException {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256")
                    .digest(Pem.certificate(root).getEncoded());
            return "loopgate-" + HexFormat.of().formatHex(sha, 0, 6);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(root + " is not a certificate: " + e.getMessage(), e);
        }
    }

    private static TrustStore system(Map<String, String> env, String nick) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            String keychain = env.getOrDefault("HOME", "~") + "/Library/Keychains/login.keychain-db";
            return new Store(
                    "system",
                    "system (macOS login keychain)",
                    root -> List.of(List.of(
                            "security", "add-trusted-cert", "-r", "trustRoot", "-k", keychain, root.toString())),
                    root -> List.of(List.of("security", "remove-trusted-cert", root.toString())),
                    root -> null);
        }
        if (os.contains("win")) {
            return new Store(
                    "system",
                    "system (Windows, current user)",
                    root -> List.of(List.of("certutil", "-user", "-addstore", "Root", root.toString())),
                    root -> List.of(List.of("certutil", "-user", "-delstore", "Root", LocalCa.ROOT_NAME)),
                    root -> null);
        }
        Path debian = Path.of("/usr/local/share/ca-certificates/" + nick + ".crt");
        if (Commands.onPath("update-ca-certificates")) {
            return new Store(
                    "system",
                    "system (" + debian + ")",
                    root -> List.of(
                            List.of("cp", root.toString(), debian.toString()), List.of("update-ca-certificates")),
                    root -> List.of(
                            List.of("rm", "-f", debian.toString()), List.of("update-ca-certificates", "--fresh")),
                    root -> Files.exists(debian));
        }
        if (Commands.onPath("trust")) {
            return new Store(
                    "system",
                    "system (p11-kit trust)",
                    root -> List.of(List.of("trust", "anchor", "--store", root.toString())),
                    root -> List.of(List.of("trust", "anchor", "--remove", root.toString())),
                    root -> null);
        }
        return null;
    }

    /** Chromium's {@code ~/.pki/nssdb} (created when missing: Chromium reads it once it exists) and Firefox profiles. */
    private static List<TrustStore> nss(Map<String, String> env, String nick) throws IOException {
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        List<TrustStore> out = new ArrayList<>();
        Path chromium = home.resolve(".pki/nssdb");
        out.add(nssStore(chromium, "Chromium, Chrome", nick));
        Path snap = home.resolve("snap/chromium/current/.pki/nssdb");
        if (Files.isDirectory(snap)) {
            out.add(nssStore(snap, "Chromium snap", nick));
        }
        for (Path profiles :
                List.of(home.resolve(".mozilla/firefox"), home.resolve("snap/firefox/common/.mozilla/firefox"))) {
            if (!Files.isDirectory(profiles)) {
                continue;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(profiles)) {
                for (Path profile : dirs) {
                    if (Files.exists(profile.resolve("cert9.db"))) {
                        out.add(nssStore(profile, "Firefox", nick));
                    }
                }
            }
        }
        return out;
    }

    private static TrustStore nssStore(Path db, String browsers, String nick) {
        String sql = "sql:" + db;
        return new Store(
                "nss",
                "nss " + db + " (" + browsers + ")",
                root -> {
                    List<List<String>> commands = new ArrayList<>();
                    if (!Files.exists(db.resolve("cert9.db"))) {
                        commands.add(List.of("mkdir", "-p", db.toString()));
                        commands.add(List.of("certutil", "-d", sql, "-N", "--empty-password"));
                    }
                    commands.add(List.of("certutil", "-d", sql, "-A", "-t", "C,,", "-n", nick, "-i", root.toString()));
                    return commands;
                },
                root -> List.of(List.of("certutil", "-d", sql, "-D", "-n", nick)),
                root -> Files.exists(db.resolve("cert9.db")) && Commands.onPath("certutil")
                        ? Commands.run(List.of("certutil", "-d", sql, "-L", "-n", nick))
                                .ok()
                        : Boolean.FALSE);
    }

    /** The {@code cacerts} of {@code $JAVA_HOME}, else of the JDK running loopgate. */
    private static TrustStore java(Map<String, String> env, String nick) {
        Path javaHome = Path.of(env.getOrDefault("JAVA_HOME", System.getProperty("java.home")));
        Path cacerts = javaHome.resolve("lib/security/cacerts");
        String keytool = Files.isExecutable(javaHome.resolve("bin/keytool"))
                ? javaHome.resolve("bin/keytool").toString()
                : "keytool";
        List<String> store = List.of("-keystore", cacerts.toString(), "-storepass", "changeit", "-alias", nick);
        return new Store(
                "java",
                "java " + cacerts,
                root -> List.of(concat(List.of(keytool, "-importcert", "-noprompt", "-file", root.toString()), store)),
                root -> List.of(concat(List.of(keytool, "-delete"), store)),
                root -> Commands.run(concat(List.of(keytool, "-list"), store)).ok());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private interface Plan {
        List<List<String>> commands(Path root);
    }

    private interface Check {
        Boolean trusts(Path root);
    }

    private record Store(String kind, String describe, Plan add, Plan remove, Check check) implements TrustStore {
        @Override
        public List<List<String>> addCommands(Path root) {
            return add.commands(root);
        }

        @Override
        public List<List<String>> removeCommands(Path root) {
            return remove.commands(root);
        }

        @Override
        public Boolean trusts(Path root) {
            return check.trusts(root);
        }
    }
}
