package dev.loopgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.Gateway;
import dev.loopgate.Json;
import dev.loopgate.StateDir;
import dev.loopgate.testing.TestBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ports} and {@code doctor} against real sockets this test opens. */
class PortsAndDoctorTest {
    @TempDir
    Path dir;

    record Result(int code, String out) {}

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        int code = LoopgateCommand.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(out))
                .execute(args);
        return new Result(code, out.toString());
    }

    private static boolean ipv6Available() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The socket on {@code port} whose address is one of {@code addresses}. */
    private static JsonNode socket(JsonNode sockets, String addresses, int port) {
        for (JsonNode s : sockets.path("sockets")) {
            if (s.path("port").asInt() == port
                    && List.of(addresses.split("\\|"))
                            .contains(s.path("address").asText())) {
                return s;
            }
        }
        throw new AssertionError("no socket " + addresses + ":" + port + " in " + sockets);
    }

    @Test
    void portsReportsEachSocketWithItsFlagsAndOurPid() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/net")), "needs Linux /proc to see sockets");
        assumeTrue(ipv6Available(), "IPv6 loopback is not available on this machine");
        try (ServerSocket exposed = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
                ServerSocket v6 = new ServerSocket(0, 1, InetAddress.getByName("::1"));
                ServerSocket ephemeral = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result r = run("ports", "--json", "--state-dir", dir.toString());
            assertThat(r.code()).as(r.out()).isZero();
            JsonNode json = Json.mapper().readTree(r.out());
            long pid = ProcessHandle.current().pid();

            // Java binds "0.0.0.0" as the dual-stack wildcard "::" where IPv6 is on; either is all interfaces.
            JsonNode e = socket(json, "0.0.0.0|::", exposed.getLocalPort());
            assertThat(e.path("pid").asLong()).isEqualTo(pid);
            assertThat(e.path("process").asText()).isEqualTo("java");
            assertThat(e.path("proto").asText()).isEqualTo("tcp");
            assertThat(e.path("flags").toString()).contains("exposed");

            JsonNode six = socket(json, "::1", v6.getLocalPort());
            assertThat(six.path("flags").toString()).contains("ipv6-only");
            assertThat(six.path("pid").asLong()).isEqualTo(pid);

            JsonNode four = socket(json, "127.0.0.1", ephemeral.getLocalPort());
            assertThat(four.path("flags").toString()).contains("ipv4-only").contains("ephemeral");
            assertThat(four.path("command").asText()).contains("java");

            Result table = run("ports", "--state-dir", dir.toString());
            assertThat(table.out()).startsWith("PROTO").contains(" " + v6.getLocalPort() + " ");
        }
    }

    @Test
    void doctorFlagsAnExposedAnIpv6OnlyAndAnUnreachableBackend() throws Exception {
        assumeTrue(ipv6Available(), "IPv6 loopback is not available on this machine");
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = s.getLocalPort();
        }
        try (ServerSocket exposed = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
                ServerSocket v6 = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            Path config = dir.resolve("loopgate.yaml");
            Files.writeString(
                    config,
                    """
                    services:
                      open: http://127.0.0.1:%d
                      sixonly: http://127.0.0.1:%d
                      dead: http://127.0.0.1:%d
                    """
                            .formatted(exposed.getLocalPort(), v6.getLocalPort(), dead));
            try (Gateway gateway = Gateway.start(
                    new Gateway.Options(config, null, 0, new StateDir(dir.resolve("s")), Duration.ofSeconds(1)))) {
                Result r = run("doctor", "--state-dir", dir.resolve("s").toString());
                assertThat(r.code()).as(r.out()).isEqualTo(1);
                assertThat(r.out())
                        .contains("ok    gateway: running at http://127.0.0.1:" + gateway.port())
                        .contains("warn  backend open (127.0.0.1:" + exposed.getLocalPort() + "): java (pid "
                                + ProcessHandle.current().pid() + ") listens on all interfaces")
                        .contains("FAIL  backend sixonly (127.0.0.1:" + v6.getLocalPort() + "): java (pid "
                                + ProcessHandle.current().pid() + ") listens on [::1]:" + v6.getLocalPort() + " only")
                        .contains("use http://localhost:" + v6.getLocalPort())
                        .contains("FAIL  backend dead (127.0.0.1:" + dead + "): nothing listens on port " + dead);
            }
        }
    }

    @Test
    void doctorPassesOnAHealthySetupAndSaysLittle() throws Exception {
        try (TestBackend backend = TestBackend.http(TestBackend.text("ok"))) {
            Path config = dir.resolve("loopgate.yaml");
            Files.writeString(config, "services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
            try (Gateway gateway = Gateway.start(
                    new Gateway.Options(config, null, 0, new StateDir(dir.resolve("s")), Duration.ofSeconds(1)))) {
                Result r = run("doctor", "--state-dir", dir.resolve("s").toString());
                assertThat(r.code()).as(r.out()).isZero();
                // The backend's OS-assigned port lies in the ephemeral range: a warning, not a failure.
                assertThat(r.out()).doesNotContain("FAIL").contains("backend web (127.0.0.1:" + backend.port() + ")");
                assertThat(r.out().lines().count()).isLessThanOrEqualTo(9);

                Result json =
                        run("doctor", "--json", "--state-dir", dir.resolve("s").toString());
                assertThat(Json.mapper().readTree(json.out()).path("ok").asBoolean())
                        .isTrue();
            }
        }
    }

    @Test
    void doctorWarnsAboutWhatIsConfiguredButNotRouted() throws Exception {
        try (TestBackend backend = TestBackend.http(TestBackend.text("ok"))) {
            Path config = dir.resolve("loopgate.yaml");
            Files.writeString(config, "services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
            try (Gateway gateway = Gateway.start(
                    new Gateway.Options(config, null, 0, new StateDir(dir.resolve("s")), Duration.ofSeconds(1)))) {
                gateway.registry()
                        .register(new dev.loopgate.registry.Registration(
                                "api",
                                "one",
                                dev.loopgate.config.BackendUrl.parse("http://127.0.0.1:" + backend.port()),
                                List.of("api.localhost"),
                                List.of("/"),
                                false,
                                dev.loopgate.config.HealthConfig.DEFAULT,
                                null,
                                null));
                gateway.registry()
                        .fileChanged(dev.loopgate.config.ConfigLoader.parse(
                                Files.readString(config) + "  other:\n    hosts: [api.localhost]\n    port: "
                                        + backend.port() + "\n",
                                config.toString()));
                Result r = run("doctor", "--state-dir", dir.resolve("s").toString());
                assertThat(r.code())
                        .as("a warning does not fail doctor: " + r.out())
                        .isZero();
                assertThat(r.out())
                        .contains("not routed: API service 'api': http://api.localhost/ is routed to 'other' by the"
                                + " config file");
            }
        }
    }

    @Test
    void doctorWithoutAGatewayFails() {
        Result r = run(
                "doctor",
                "--state-dir",
                dir.resolve("nothing").toString(),
                "--config",
                dir.resolve("none.yaml").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  gateway: no gateway is running");
    }
}
