package dev.loopgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loopgate trust}, {@code untrust} and {@code env} as a user runs them, against the real stores' tools
 * (keytool on a copy of a JDK's cacerts, Debian's update-ca-certificates), checked by the clients that read them:
 * curl, Node and Java.
 */
class TrustIT {
    @TempDir
    Path dir;

    private TestBackend backend;
    private Gateway gateway;
    private Path state;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("trusted hello"));
        state = dir.resolve("state");
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config, "https:\n  listen: 127.0.0.1:0\nservices:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        gateway = Gateway.start(new Gateway.Options(config, null, 0, new StateDir(state), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    private record Run(int code, String out) {}

    private Run loopgate(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state.toString()));
        try (GatewayProcess p = GatewayProcess.startWith(env, List.of(), List.of(), all.toArray(String[]::new))) {
            int code = p.awaitExit(Duration.ofSeconds(60));
            return new Run(code, p.stdout() + p.stderr());
        }
    }

    private static Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private String url() {
        return "https://web.localhost:" + gateway.httpsPort() + "/";
    }

    @Test
    void javaStoreTrustIsReportedKeptOnceAndRemovedByUntrust() throws Exception {
        Path jdk = dir.resolve("jdk");
        Files.createDirectories(jdk.resolve("lib/security"));
        Files.createDirectories(jdk.resolve("bin"));
        Path javaHome = Path.of(System.getProperty("java.home"));
        Files.copy(javaHome.resolve("lib/security/cacerts"), jdk.resolve("lib/security/cacerts"));
        Files.createSymbolicLink(jdk.resolve("bin/keytool"), javaHome.resolve("bin/keytool"));
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());

        Run trust = loopgate(env, "trust", "--store", "java");
        assertThat(trust.code()).as(trust.out()).isZero();
        assertThat(trust.out()).contains("ok   java " + jdk.resolve("lib/security/cacerts") + ": trusted");
        String alias = alias(trust.out());
        assertThat(keytoolList(jdk, alias).code()).as("keytool lists " + alias).isZero();

        assertThat(loopgate(env, "trust", "--store", "java").out()).contains(": already trusted");

        Run untrust = loopgate(env, "untrust", "--store", "java");
        assertThat(untrust.code()).as(untrust.out()).isZero();
        assertThat(untrust.out()).contains(": removed");
        assertThat(keytoolList(jdk, alias).code()).isNotZero();
    }

    /** The alias trust used: loopgate-<12 hex digits>, one per CA. */
    private String alias(String out) throws Exception {
        Run dry = loopgate(Map.of(), "trust", "--store", "java", "--dry-run");
        Matcher m = Pattern.compile("-alias (loopgate-[0-9a-f]{12})").matcher(dry.out());
        assertThat(m.find()).as(dry.out()).isTrue();
        return m.group(1);
    }

    private static Run keytoolList(Path jdk, String alias) throws Exception {
        return run(
                Map.of(),
                jdk.resolve("bin/keytool").toString(),
                "-list",
                "-keystore",
                jdk.resolve("lib/security/cacerts").toString(),
                "-storepass",
                "changeit",
                "-alias",
                alias);
    }

    @Test
    void dryRunPrintsEachStoresCommandsAndChangesNothing() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Run dry = loopgate(Map.of("HOME", home.toString()), "trust", "--dry-run", "--store", "nss");
        assertThat(dry.code()).isZero();
        assertThat(dry.out())
                .contains("nss " + home.resolve(".pki/nssdb") + " (Chromium, Chrome):")
                .contains("certutil -d sql:" + home.resolve(".pki/nssdb") + " -A -t C,, -n loopgate-");
        assertThat(home.resolve(".pki")).doesNotExist();
        Run bad = loopgate(Map.of(), "trust", "--store", "keychain");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.out()).contains("--store must be system, nss, java or all");
    }

    @Test
    void theSystemStoreMakesCurlTrustLoopgateWithoutOptionsUntilUntrust() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/sbin/update-ca-certificates")),
                "skipped: needs root and Debian's update-ca-certificates (the system store is changed and restored)");
        assertThat(run(Map.of(), "curl", "-sS", "--max-time", "10", url()).code())
                .as("curl does not trust loopgate before")
                .isEqualTo(60);
        try {
            Run trust = loopgate(Map.of(), "trust", "--store", "system");
            assertThat(trust.code()).as(trust.out()).isZero();
            Run curl = run(Map.of(), "curl", "-sS", "--max-time", "10", url());
            assertThat(curl.out()).isEqualTo("trusted hello");
        } finally {
            Run untrust = loopgate(Map.of(), "untrust", "--store", "system");
            assertThat(untrust.code()).as(untrust.out()).isZero();
        }
        assertThat(run(Map.of(), "curl", "-sS", "--max-time", "10", url()).code())
                .as("curl does not trust loopgate after untrust")
                .isEqualTo(60);
    }

    @Test
    void envGivesCurlNodeAndJavaTheRootWithTheSystemsRootsKept() throws Exception {
        dev.loopgate.testing.Tls.root(state);
        Run env = loopgate(Map.of(), "env");
        assertThat(env.code()).as(env.out()).isZero();
        Map<String, String> vars = new HashMap<>();
        Matcher m = Pattern.compile("export (\\w+)='([^']*)'").matcher(env.out());
        while (m.find()) {
            vars.put(m.group(1), m.group(2));
        }
        assertThat(vars.get("NODE_EXTRA_CA_CERTS"))
                .isEqualTo(state.resolve("ca/root.pem").toString());
        Path bundle = Path.of(vars.get("CURL_CA_BUNDLE"));
        assertThat(vars)
                .containsEntry("SSL_CERT_FILE", bundle.toString())
                .containsEntry("REQUESTS_CA_BUNDLE", bundle.toString());
        String pem = Files.readString(bundle);
        assertThat(pem.split("BEGIN CERTIFICATE", -1).length - 1)
                .as("the system's roots are kept, loopgate's added")
                .isGreaterThan(10);
        assertThat(pem).contains(Files.readString(state.resolve("ca/root.pem")).strip());

        Map<String, String> trust = new HashMap<>();
        trust.put("CURL_CA_BUNDLE", bundle.toString());
        assertThat(run(trust, "curl", "-sS", "--max-time", "10", url()).out()).isEqualTo("trusted hello");

        Path fetch = dir.resolve("Fetch.java");
        Files.writeString(
                fetch,
                """
                public class Fetch {
                    public static void main(String[] a) throws Exception {
                        var res = java.net.http.HttpClient.newHttpClient().send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(a[0])).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                        System.out.println(res.version() + " " + res.body());
                    }
                }
                """);
        Run java = run(
                Map.of("JAVA_TOOL_OPTIONS", vars.get("JAVA_TOOL_OPTIONS")),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                fetch.toString(),
                url());
        assertThat(java.out()).contains("HTTP_2 trusted hello");

        if (NodeTools.onPath("node")) {
            Run node = run(
                    Map.of("NODE_EXTRA_CA_CERTS", vars.get("NODE_EXTRA_CA_CERTS")),
                    "node",
                    "-e",
                    "fetch(process.argv[1]).then(r => r.text()).then(t => console.log(t))"
                            .replace("process.argv[1]", "'" + url() + "'"));
            assertThat(node.out().strip()).isEqualTo("trusted hello");
        }
    }
}
