package dev.loopgate.devservers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Vite dev server from npm, the way the README starts one: {@code loopgate run web -- npm run dev -- --port
 * {port}} against the default config (which declares {@code web}), and Vite's own "Blocked request" for a name it does
 * not accept, which it answers chunked.
 */
class ViteIT {
    private static final Path PROJECT = Paths.get("target", "vite-it").toAbsolutePath();
    private static final String VITE_VERSION = "8.4.0";

    @TempDir
    Path dir;

    private Gateway gateway;
    private Process vite;
    // HTTP/1.1: the default h2c upgrade attempt leaves Node servers (Vite) waiting for a WebSocket that never comes.
    // (Local.get does the same for requests through the gateway.)
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void installVite() throws Exception {
        NodeTools.assumeNode();
        NodeTools.install(PROJECT, "vite", "vite@" + VITE_VERSION);
        Files.writeString(
                PROJECT.resolve("package.json"),
                "{\"name\": \"vite-it\", \"private\": true, \"scripts\": {\"dev\": \"vite\"},"
                        + " \"devDependencies\": {\"vite\": \"" + VITE_VERSION + "\"}}\n");
        Files.writeString(
                PROJECT.resolve("index.html"), "<!doctype html><title>vite app</title><h1>hello from vite</h1>\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (vite != null) {
            vite.destroy();
            vite.waitFor();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private Path config(String services) throws IOException {
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(file, "services:\n" + services);
        return file;
    }

    @Test
    void theReadmeRunExampleServesViteUnderTheDeclaredNameAndLeavesNothingBehind() throws Exception {
        Files.copy(Paths.get("..", "config", "loopgate.yaml"), dir.resolve("loopgate.yaml"));
        gateway = Gateway.start(new Gateway.Options(
                dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
        try (GatewayProcess run = GatewayProcess.start(
                List.of(),
                "run",
                "web",
                "--state-dir",
                dir.resolve("state").toString(),
                "--",
                "npm",
                "--prefix",
                PROJECT.toString(),
                "run",
                "dev",
                "--",
                "--port",
                "{port}")) {
            Wait.until(
                    "web.localhost to serve the Vite app",
                    Duration.ofSeconds(60),
                    () -> {
                        try {
                            return Local.get(gateway.port(), "web.localhost", "/")
                                    .body()
                                    .contains("hello from vite");
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    () -> run.stdout() + run.stderr());
            assertThat(run.stderr()).as("not refused as a file service").doesNotContain("loopgate: 409");
            Matcher m = Pattern.compile("\"url\":\"http://localhost:(\\d+)\"")
                    .matcher(Local.get(gateway.port(), "loopgate.localhost", "/api/v1/services")
                            .body());
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));

            run.terminate();
            assertThat(run.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(Local.listening(port))
                    .as("Vite, started by npm, stopped with run")
                    .isFalse();
            assertThat(Local.get(gateway.port(), "web.localhost", "/").statusCode())
                    .as("web goes back to the file's backend (localhost:5173, not running here)")
                    .isIn(502, 503);
        }
    }

    @Test
    void aViteServerDeclaredWithACommandStartsOnTheFirstRequestAndStopsWithNothingLeft() throws Exception {
        gateway = Gateway.start(new Gateway.Options(
                config("  web:\n    command: npm run dev -- --port {port} --strictPort\n    dir: " + PROJECT + "\n"),
                null,
                0,
                new StateDir(dir.resolve("state")),
                Duration.ofMillis(200)));

        HttpResponse<String> first = Local.get(gateway.port(), "web.localhost", "/");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("hello from vite");
        String services = Local.get(gateway.port(), "loopgate.localhost", "/api/v1/services")
                .body();
        Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(services);
        Matcher port = Pattern.compile("\"port\":(\\d+)").matcher(services);
        assertThat(pid.find() && port.find()).as(services).isTrue();
        ProcessHandle npm = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        List<ProcessHandle> started =
                new java.util.ArrayList<>(npm.descendants().toList());
        started.add(npm);
        assertThat(started).as("npm and the node process running Vite").hasSizeGreaterThanOrEqualTo(2);

        gateway.close();
        gateway = null;

        assertThat(started).noneMatch(ProcessHandle::isAlive);
        assertThat(Local.listening(Integer.parseInt(port.group(1)))).isFalse();
    }

    @Test
    void vitesChunkedBlockedRequestBecomesThePageThatNamesTheConfigLine() throws Exception {
        int port = Local.freePort();
        vite = new ProcessBuilder(
                        "node",
                        PROJECT.resolve("node_modules/vite/bin/vite.js").toString(),
                        "--port",
                        Integer.toString(port),
                        "--strictPort",
                        "--host",
                        "127.0.0.1")
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("vite.log").toFile())
                .start();
        Wait.until(
                "Vite to listen",
                Duration.ofSeconds(60),
                () -> Local.listening(port),
                () -> Local.read(dir.resolve("vite.log")));
        gateway = Gateway.start(new Gateway.Options(
                config("  app:\n    hosts: [myapp.test]\n    port: " + port + "\n  web: " + port + "\n"),
                null,
                0,
                new StateDir(dir.resolve("state")),
                Duration.ofMillis(200)));

        HttpResponse<String> direct = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("Host", "myapp.test")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(direct.headers().firstValue("transfer-encoding"))
                .as("what made the old recogniser miss it")
                .hasValue("chunked");

        HttpResponse<String> page = Local.get(gateway.port(), "myapp.test", "/", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Vite refused the host name").contains("allowedHosts: [&#39;myapp.test&#39;]");
        assertThat(Local.get(gateway.port(), "myapp.test", "/").body()).contains("allowedHosts: ['myapp.test']");
        assertThat(Local.get(gateway.port(), "web.localhost", "/").body())
                .as("Vite accepts *.localhost names, and the connection is still good")
                .contains("hello from vite");
    }
}
