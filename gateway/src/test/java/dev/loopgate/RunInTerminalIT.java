package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loopgate run} in a real terminal (tmux): the dev server can read the terminal, as Vite's shortcuts do,
 * and Ctrl-C stops everything the command started.
 */
class RunInTerminalIT {
    @TempDir
    Path dir;

    private final String tmuxSocket = "loopgate-it-" + ProcessHandle.current().pid();
    private Gateway gateway;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(NodeTools.onPath("tmux"), "tmux is not installed (.ci/run installs it)");
        gateway = Gateway.start(
                new Gateway.Options(null, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        if (gateway != null) {
            gateway.close();
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private String screen() {
        try {
            return tmux("capture-pane", "-p", "-t", "run");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(String host, String path) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                            .header("Host", host)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDevServerReadsTheTerminalAndCtrlCStopsAllItStarted() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String command = java + " -jar " + GatewayProcess.jar() + " run web --state-dir " + dir.resolve("state")
                + " --no-proxy-env -- bash -c 'read -r line; echo \"got:$line\";"
                + " python3 -m http.server {port} --bind 127.0.0.1 & wait'";
        tmux("new-session", "-d", "-s", "run", "-x", "200", "-y", "50", command);
        tmux("set-option", "-t", "run", "remain-on-exit", "on");
        Wait.until(
                "web to be registered",
                Duration.ofSeconds(30),
                () -> get("loopgate.localhost", "/api/v1/services").body().contains("\"name\":\"web\""),
                this::screen);

        tmux("send-keys", "-t", "run", "hello from the keyboard", "Enter");
        Wait.until(
                "the command to read the line typed in the terminal",
                Duration.ofSeconds(10),
                () -> screen().contains("got:hello from the keyboard"),
                this::screen);
        Wait.until(
                "the server to answer",
                Duration.ofSeconds(30),
                () -> get("web.localhost", "/").statusCode() == 200);
        Matcher m = Pattern.compile("\"url\":\"http://localhost:(\\d+)\"")
                .matcher(get("loopgate.localhost", "/api/v1/services").body());
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));

        tmux("send-keys", "-t", "run", "C-c");
        Wait.until(
                "run to end after Ctrl-C",
                Duration.ofSeconds(20),
                () -> {
                    try {
                        return tmux("display-message", "-p", "-t", "run", "#{pane_dead}")
                                .strip()
                                .equals("1");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                },
                this::screen);
        assertThat(Local.listening(port))
                .as("the backgrounded server stopped with Ctrl-C")
                .isFalse();
        assertThat(get("web.localhost", "/").statusCode()).isEqualTo(404);
    }
}
