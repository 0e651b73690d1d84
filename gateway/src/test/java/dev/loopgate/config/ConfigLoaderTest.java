package dev.loopgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "loopgate.yaml");
    }

    private static String errorOf(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a config error for:\n" + yaml);
    }

    @Test
    void shorthandPortRoutesNameDotLocalhostToLocalhostPort() throws Exception {
        GatewayConfig c = parse("services:\n  web: 5173\n");
        ServiceConfig web = c.services().get("web");
        assertThat(web.hosts()).containsExactly("web.localhost");
        assertThat(web.paths()).containsExactly("/");
        assertThat(web.stripPrefix()).isFalse();
        assertThat(web.backends()).containsExactly(new BackendUrl("localhost", 5173));
        assertThat(c.listen()).isEqualTo(ListenAddress.DEFAULT);
        assertThat(c.adminHost()).isEqualTo("loopgate.localhost");
    }

    @Test
    void shorthandUrlAndFullFormAreRead() throws Exception {
        GatewayConfig c = parse(
                """
                listen: 127.0.0.1:8080
                admin:
                  host: gate.localhost
                services:
                  docs: http://127.0.0.1:3000
                  api:
                    hosts: [api.localhost, "*.API.localhost."]
                    paths: [/api/, /v2]
                    strip_prefix: true
                    backends:
                      - http://127.0.0.1:8081
                      - http://[::1]:8082/
                    health: { path: /health, interval: 3s, timeout: 500ms }
                    response_timeout: 2m
                timeouts:
                  connect: 2s
                limits:
                  headers: 128KiB
                trusted_proxies: [127.0.0.1, "::1/128"]
                """);
        assertThat(c.listen()).isEqualTo(new ListenAddress("127.0.0.1", 8080));
        assertThat(c.listenFromFile()).isTrue();
        assertThat(c.adminHost()).isEqualTo("gate.localhost");
        assertThat(c.services().get("docs").backends()).containsExactly(new BackendUrl("127.0.0.1", 3000));
        ServiceConfig api = c.services().get("api");
        assertThat(api.hosts()).containsExactly("api.localhost", "*.api.localhost");
        assertThat(api.paths()).containsExactly("/api", "/v2");
        assertThat(api.stripPrefix()).isTrue();
        assertThat(api.backends())
                .extracting(BackendUrl::toString)
                .containsExactly("http://127.0.0.1:8081", "http://[::1]:8082");
        assertThat(api.health()).isEqualTo(new HealthConfig("/health", Duration.ofSeconds(3), Duration.ofMillis(500)));
        assertThat(api.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.timeouts().responseHeaders()).isEqualTo(Timeouts.DEFAULT.responseHeaders());
        assertThat(c.limits().maxHeaderSize()).isEqualTo(128 * 1024);
        assertThat(c.limits().maxRequestLine()).isEqualTo(16 * 1024);
        assertThat(c.trustedProxies()).hasSize(2);
    }

    @Test
    void emptyFileMeansDefaultsWithNothingRouted() throws Exception {
        GatewayConfig c = parse("# nothing yet\n");
        assertThat(c.services()).isEmpty();
        assertThat(c.listenFromFile()).isFalse();
    }

    @Test
    void httpsIsOnByDefaultAndItsBlockIsRead() throws Exception {
        HttpsConfig d = parse("services:\n  web: 5173\n").https();
        assertThat(d.enabled()).isTrue();
        assertThat(d.listen()).isEqualTo(new ListenAddress("127.0.0.1", 443));
        assertThat(d.listenFromFile()).isFalse();
        assertThat(d.redirect()).isFalse();

        HttpsConfig c = parse(
                        """
                        https:
                          listen: 127.0.0.1:9443
                          redirect: true
                          names: [.test, "*.internal", Dev.Example.test]
                        """)
                .https();
        assertThat(c.listen()).isEqualTo(new ListenAddress("127.0.0.1", 9443));
        assertThat(c.listenFromFile()).isTrue();
        assertThat(c.redirect()).isTrue();
        assertThat(c.names()).containsExactly("test", "internal", "dev.example.test");
    }

    @Test
    void httpsMistakesNameTheirKeyAndLine() {
        assertThat(errorOf("https:\n  listen: nowhere\n")).startsWith("loopgate.yaml:2: https.listen:");
        assertThat(errorOf("https:\n  names: [.com]\n"))
                .isEqualTo("loopgate.yaml:2: https.names[0]: '.com' is a public top-level domain; the CA signs only"
                        + " names nobody else owns (e.g. .test, .internal)");
        assertThat(errorOf("https:\n  names: [\"a b\"]\n")).contains("https.names[0]: 'a b' is not a DNS suffix");
        assertThat(errorOf("https:\n  redirct: true\n")).contains("https").contains("redirect");
        assertThat(errorOf("services:\n  web:\n    port: 5173\n    redirect: maybe\n"))
                .contains("services.web.redirect");
    }

    @Test
    void portOutOfRangeNamesPathAndLine() {
        assertThat(errorOf("services:\n  web:\n    port: 70000\n"))
                .isEqualTo("loopgate.yaml:3: services.web.port: must be 1–65535, got '70000'");
        assertThat(errorOf("services:\n  web: 0\n")).contains("loopgate.yaml:2: services.web: must be 1–65535");
    }

    @Test
    void unknownKeySuggestsTheClosestKnownKey() {
        assertThat(errorOf("services:\n  api:\n    backend: [http://127.0.0.1:1]\n"))
                .contains("loopgate.yaml:3: services.api.backend: unknown key; did you mean 'backends'?");
        assertThat(errorOf("listne: 127.0.0.1:80\n"))
                .contains("loopgate.yaml:1: listne: unknown key; did you mean 'listen'?");
        assertThat(errorOf("zzz: 1\n")).contains("unknown key; known keys: listen, admin, services");
    }

    @Test
    void everyProblemInAFileIsReportedAtOnce() {
        ConfigException e = (ConfigException)
                catchThrown(
                        """
                services:
                  web: 99999
                  api:
                    backends: [ftp://127.0.0.1:21]
                  bad_name: 3000
                timeouts:
                  connect: 5
                """);
        assertThat(e.problems())
                .extracting(ConfigException.Problem::path)
                .containsExactly("services.web", "services.api.backends[0]", "services.bad_name", "timeouts.connect");
        assertThat(e.problems()).extracting(ConfigException.Problem::line).containsExactly(2, 4, 5, 7);
        assertThat(e.getMessage()).contains("must start with http://").contains("write it with a unit, e.g. 250ms");
    }

    private static Exception catchThrown(String yaml) {
        try {
            parse(yaml);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a config error");
    }

    @Test
    void twoServicesClaimingTheSameHostAndPathIsAConflict() {
        assertThat(errorOf("services:\n  web: 3000\n  site:\n    hosts: [web.localhost]\n    port: 3001\n"))
                .contains("services.site: http://web.localhost/ is already routed to service 'web'");
    }

    @Test
    void theAdminHostCannotBeShadowed() {
        assertThat(errorOf("services:\n  x:\n    hosts: [loopgate.localhost]\n    port: 3000\n"))
                .contains("services.x.hosts: 'loopgate.localhost' is the admin host");
    }

    @Test
    void malformedValuesAreExplained() {
        assertThat(errorOf("services:\n  web:\n    hosts: [web.localhost:3000]\n    port: 1\n"))
                .contains("services.web.hosts[0]: 'web.localhost:3000': write the host without a port");
        assertThat(errorOf("services:\n  web:\n    paths: [api]\n    port: 1\n"))
                .contains("services.web.paths[0]: 'api' must start with /");
        assertThat(errorOf("services:\n  web:\n    strip_prefix: maybe\n    port: 1\n"))
                .contains("services.web.strip_prefix: must be true or false");
        assertThat(errorOf("services:\n  web:\n    hosts: [a.localhost]\n")).contains("services.web: needs a backend");
        assertThat(errorOf("services:\n  web:\n    port: 1\n    backends: [http://127.0.0.1:2]\n"))
                .contains("use either port or backends, not both");
        assertThat(errorOf("services:\n  web: http://127.0.0.1\n")).contains("has no port");
        assertThat(errorOf("listen: nowhere\n")).contains("listen: 'nowhere' has no port number");
        assertThat(errorOf("services:\n  web: 1\n  web: 2\n")).contains("services.web: appears twice");
        assertThat(errorOf("services: [web]\n")).contains("services: must be a mapping");
    }

    @Test
    void balancingOutlierAndWaitSettings() throws Exception {
        ServiceConfig s = parse(
                        """
                services:
                  api:
                    backends: [http://127.0.0.1:1, http://127.0.0.1:2]
                    balance: least_request
                    outlier: { consecutive_5xx: 5 }
                    wait: 0s
                    health: { healthy_threshold: 3, unhealthy_threshold: 4 }
                """)
                .services()
                .get("api");
        assertThat(s.leastRequest()).isTrue();
        assertThat(s.outlier5xx()).isEqualTo(5);
        assertThat(s.waitForBackend()).isZero();
        assertThat(s.health().healthyThreshold()).isEqualTo(3);
        assertThat(s.health().unhealthyThreshold()).isEqualTo(4);
        ServiceConfig d = parse("services:\n  web: 1\n").services().get("web");
        assertThat(d.leastRequest()).isFalse();
        assertThat(d.outlier5xx()).isZero();
        assertThat(d.waitForBackend()).isEqualTo(Duration.ofSeconds(10));
        assertThat(errorOf("services:\n  a:\n    port: 1\n    balance: random\n"))
                .contains("services.a.balance: must be round_robin or least_request, got 'random'");
        assertThat(errorOf("services:\n  a:\n    port: 1\n    health: { unhealthy_threshold: 0 }\n"))
                .contains("services.a.health.unhealthy_threshold: must be a whole number from 1 to 99");
    }

    @Test
    void invalidYamlSyntaxCarriesItsLine() {
        assertThat(errorOf("services:\n  web: 5173\n   api: [\n")).startsWith("loopgate.yaml:3: not valid YAML");
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate.yaml");
        Files.writeString(file, "services:\n  web: 5173\n");
        assertThat(ConfigLoader.load(file).source()).isEqualTo(file.toString());
        Files.writeString(file, "services:\n  web: x\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ":2: services.web:");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"))).hasMessageContaining("file not found");
    }

    @Test
    void durationsNeedUnits() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("with a unit");
    }

    @Test
    void listenAddressesParse() {
        assertThat(ListenAddress.parse("0.0.0.0:80")).isEqualTo(new ListenAddress("0.0.0.0", 80));
        assertThat(ListenAddress.parse("[::1]:8080")).isEqualTo(new ListenAddress("::1", 8080));
        assertThat(ListenAddress.parse(":8080")).isEqualTo(new ListenAddress("127.0.0.1", 8080));
        assertThat(ListenAddress.parse("8080")).isEqualTo(new ListenAddress("127.0.0.1", 8080));
        assertThat(new ListenAddress("::1", 80).isLoopback()).isTrue();
        assertThat(new ListenAddress("0.0.0.0", 80).isLoopback()).isFalse();
        assertThatThrownBy(() -> ListenAddress.parse("::1:80")).hasMessageContaining("brackets");
    }

    @Test
    void trustedProxyRangesMatchAddresses() throws Exception {
        Cidr net = Cidr.parse("127.0.0.0/8");
        assertThat(net.contains(java.net.InetAddress.getByName("127.1.2.3"))).isTrue();
        assertThat(net.contains(java.net.InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1").contains(java.net.InetAddress.getByName("::1")))
                .isTrue();
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0–32");
    }

    @org.junit.jupiter.api.Test
    void aFileOverOneMebibyteIsRefusedBeforeItIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("loopgate.yaml");
        java.nio.file.Files.write(file, new byte[2 * 1024 * 1024]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        file + ": the file is 2.0 MiB; a config file may be at most 1 MiB (is this the right file?)");
    }
}
