package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as users run it: SIGTERM stops the commands it started; after a SIGKILL the next start does. */
class OnDemandIT {
    @TempDir
    Path dir;

    private GatewayProcess serve() throws Exception {
        return GatewayProcess.start(
                List.of(),
                "serve",
                "--config",
                dir.resolve("loopgate.yaml").toString(),
                "--port",
                "0",
                "--state-dir",
                dir.resolve("state").toString());
    }

    /** The running command (a shell that started a server) and everything it started. */
    private static List<ProcessHandle> command(int gatewayPort) {
        Matcher pid = Pattern.compile("\"state\":\"running\",\"pid\":(\\d+)").matcher("");
        Wait.until("the autostarted command to run", Duration.ofSeconds(20), () -> pid.reset(
                        Local.get(gatewayPort, "loopgate.localhost", "/api/v1/services")
                                .body())
                .find());
        ProcessHandle leader = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        Wait.until(
                "the shell to start the server",
                Duration.ofSeconds(10),
                () -> leader.descendants().count() > 0);
        List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
        all.add(leader);
        return all;
    }

    @Test
    void sigtermStopsTheCommandsAndASigkilledGatewaysCommandsAreStoppedByTheNextStart() throws Exception {
        Files.writeString(
                dir.resolve("loopgate.yaml"),
                "services:\n  web:\n    command: python3 -m http.server {port} --bind 127.0.0.1 & wait\n"
                        + "    autostart: true\n");

        List<ProcessHandle> first;
        try (GatewayProcess gateway = serve()) {
            first = command(gateway.awaitPort(Duration.ofSeconds(30)));
            gateway.terminate();
            assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        assertThat(first).as("stopped by the gateway's SIGTERM").noneMatch(ProcessHandle::isAlive);

        List<ProcessHandle> orphaned;
        try (GatewayProcess killed = serve()) {
            orphaned = command(killed.awaitPort(Duration.ofSeconds(30)));
            killed.kill();
        }
        assertThat(orphaned).as("a SIGKILLed gateway cannot stop them").allMatch(ProcessHandle::isAlive);

        try (GatewayProcess next = serve()) {
            int port = next.awaitPort(Duration.ofSeconds(30));
            assertThat(orphaned).as("stopped before the next gateway listens").noneMatch(ProcessHandle::isAlive);
            assertThat(next.stdout() + next.stderr()).contains("left running by a loopgate that did not exit cleanly");
            List<ProcessHandle> again = command(port);
            assertThat(again).allMatch(ProcessHandle::isAlive);
        }
    }
}
