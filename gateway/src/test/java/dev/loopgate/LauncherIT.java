package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./loopgate serve} as a user starts it: the JVM settings the launcher promises, and the user's own winning. */
class LauncherIT {
    @TempDir
    Path dir;

    private String[] serve() throws Exception {
        Path config = Files.writeString(dir.resolve("loopgate.yaml"), "services: {}\n");
        return new String[] {
            "serve",
            "--config",
            config.toString(),
            "--port",
            "0",
            "--https-port",
            "0",
            "--state-dir",
            dir.resolve("state").toString()
        };
    }

    @Test
    void theLauncherGivesASmallBoundedSerialHeapAndANativeTransport() throws Exception {
        try (GatewayProcess p = GatewayProcess.launch("", serve())) {
            p.awaitPort(Duration.ofSeconds(60));
            assertThat(p.jvmArguments())
                    .contains("-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
            if (System.getProperty("os.name").equals("Linux")) {
                assertThat(p.stdout()).contains("(epoll, ready in ");
            }
        }
    }

    @Test
    void aUsersHeapAndCollectorReplaceTheLaunchers() throws Exception {
        try (GatewayProcess p = GatewayProcess.launch("-XX:+UseG1GC -Xmx100m", serve())) {
            p.awaitPort(Duration.ofSeconds(60));
            assertThat(p.jvmArguments())
                    .contains("-XX:+UseG1GC", "-Xmx100m")
                    .doesNotContain("-XX:+UseSerialGC", "-Xmx256m", "-Xms32m");
        }
    }
}
