package dev.loopgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessConfigTest {
    private static String errorOf(String yaml) {
        try {
            ConfigLoader.parse(yaml, "loopgate.yaml");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a config error for:\n" + yaml);
    }

    @Test
    void aCommandWithEverySettingIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(
                file,
                """
                services:
                  web:
                    command: npm run dev -- --port {port}
                    dir: ../web
                    env: { NODE_ENV: development }
                    ready: { path: /, timeout: 90s }
                    autostart: true
                    idle_stop: 30m
                    restart: always
                """);
        ServiceConfig web = ConfigLoader.load(file).services().get("web");
        ProcessConfig p = web.process();

        assertThat(p.command()).isEqualTo("npm run dev -- --port {port}");
        assertThat(p.dir()).isEqualTo(dir.getParent().resolve("web"));
        assertThat(p.env()).isEqualTo(Map.of("NODE_ENV", "development"));
        assertThat(p.readyPath()).isEqualTo("/");
        assertThat(p.readyTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.autostart()).isTrue();
        assertThat(p.idleStop()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.restart()).isEqualTo(ProcessConfig.Restart.ALWAYS);
        assertThat(web.backends()).as("the port is chosen when loopgate starts").isEmpty();
        assertThat(web.hosts()).containsExactly("web.localhost");
    }

    @Test
    void defaultsRunFromTheFilesFolderReadyWhenThePortAcceptsAndRestartOnFailure(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(file, "services:\n  api:\n    command: ./run.sh\n    port: 4000\n");
        ServiceConfig api = ConfigLoader.load(file).services().get("api");

        assertThat(api.process().dir()).isEqualTo(dir);
        assertThat(api.process().readyPath()).isNull();
        assertThat(api.process().readyTimeout()).isEqualTo(ProcessConfig.DEFAULT_READY_TIMEOUT);
        assertThat(api.process().idleStop()).isNull();
        assertThat(api.process().restart()).isEqualTo(ProcessConfig.Restart.ON_FAILURE);
        assertThat(api.backends()).extracting(BackendUrl::port).containsExactly(4000);
    }

    @Test
    void mistakesAreExplainedWithTheirPath() {
        assertThat(errorOf("services:\n  web:\n    command: x\n    backends: [http://127.0.0.1:2]\n"))
                .contains("services.web.backends: a service with a command is served by that command");
        assertThat(errorOf("services:\n  web:\n    command: x\n    restart: sometimes\n"))
                .contains("services.web.restart: must be no, on-failure or always, got 'sometimes'");
        assertThat(errorOf("services:\n  web:\n    command: x\n    ready: { path: health }\n"))
                .contains("services.web.ready.path: must start with /");
        assertThat(errorOf("services:\n  web:\n    port: 3000\n    idle_stop: 5m\n"))
                .contains("services.web.idle_stop: only applies with a command");
        assertThat(errorOf("services:\n  web:\n    command: ''\n")).contains("services.web.command: must not be empty");
        assertThat(errorOf("services:\n  web:\n    command: x\n    env: { 1X: y }\n"))
                .contains("services.web.env.1X: is not a valid environment variable name");
        assertThat(errorOf("services:\n  web:\n    command: x\n    idle_stop: soon\n"))
                .contains("services.web.idle_stop:");
    }
}
