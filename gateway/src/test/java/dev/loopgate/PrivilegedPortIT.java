package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loopgate.testing.GatewayProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Port 80 without privileges, for real: the jar runs as the unprivileged user {@code nobody} (through util-linux's
 * {@code setpriv}), so the kernel refuses port 80 the way it does on a developer's machine.
 */
class PrivilegedPortIT {
    private static final List<String> AS_NOBODY =
            List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");

    @TempDir
    Path dir;

    private Path state;

    @BeforeEach
    void requireRootAndSetpriv() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to drop privileges to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs /usr/bin/setpriv (util-linux)");
        state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @Test
    void theDefaultPortFallsBackTo8080AndSaysHowToGet80() throws Exception {
        assumeTrue(isFree(8080), "port 8080 is in use on this machine, so the fallback cannot be observed");
        try (GatewayProcess p =
                GatewayProcess.startAs(AS_NOBODY, List.of(), "serve", "--state-dir", state.toString())) {
            assertThat(p.awaitPort(Duration.ofSeconds(20))).isEqualTo(8080);
            assertThat(p.stdout())
                    .contains("port 80 needs privileges, so loopgate listens on 8080 instead")
                    .contains("setcap cap_net_bind_service=+ep")
                    .contains("net.ipv4.ip_unprivileged_port_start=80");
        }
    }

    @Test
    void anExplicitPortNeverFallsBack() throws Exception {
        try (GatewayProcess p = GatewayProcess.startAs(
                AS_NOBODY, List.of(), "serve", "--port", "80", "--state-dir", state.toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(3);
            assertThat(p.stderr()).contains("cannot listen on 127.0.0.1:80: permission denied");
        }
    }

    @Test
    void hostsSyncSaysWhichPrivilegeItLacks() throws Exception {
        Path hosts = Files.createDirectory(dir.resolve("etc")).resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        Files.setPosixFilePermissions(hosts.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Gateway gateway =
                        Gateway.start(new Gateway.Options(null, null, 0, new StateDir(state), Duration.ofSeconds(1)));
                GatewayProcess p = GatewayProcess.startAs(
                        AS_NOBODY,
                        List.of(),
                        "hosts",
                        "sync",
                        "--file",
                        hosts.toString(),
                        "--gateway",
                        "http://127.0.0.1:" + gateway.port(),
                        "--state-dir",
                        state.toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(p.stderr())
                    .contains("cannot write " + hosts + ": it needs root (run 'sudo loopgate hosts sync')");
            assertThat(Files.readString(hosts)).as("untouched").isEqualTo("127.0.0.1 localhost\n");
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
