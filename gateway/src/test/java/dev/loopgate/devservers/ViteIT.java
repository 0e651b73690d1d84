package dev.loopgate.devservers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.Wait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

    private HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Host", host)
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
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
                            return get("web.localhost", "/").body().contains("hello from vite");
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    () -> run.stdout() + run.stderr());
            assertThat(run.stderr()).doesNotContain("409");
            Matcher m = Pattern.compile("\"url\":\"http://localhost:(\\d+)\"")
                    .matcher(get("loopgate.localhost", "/api/v1/services").body());
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));

            run.terminate();
            assertThat(run.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(listening(port))
                    .as("Vite, started by npm, stopped with run")
                    .isFalse();
            assertThat(get("web.localhost", "/").statusCode())
                    .as("web goes back to the file's backend (localhost:5173, not running here)")
                    .isIn(502, 503);
        }
    }

    @Test
    void vitesChunkedBlockedRequestBecomesThePageThatNamesTheConfigLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
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
                "Vite to listen", Duration.ofSeconds(60), () -> listening(port), () -> read(dir.resolve("vite.log")));
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

        HttpResponse<String> page = get("myapp.test", "/", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Vite refused the host name").contains("allowedHosts: [&#39;myapp.test&#39;]");
        assertThat(get("myapp.test", "/").body()).contains("allowedHosts: ['myapp.test']");
        assertThat(get("web.localhost", "/").body())
                .as("Vite accepts *.localhost names, and the connection is still good")
                .contains("hello from vite");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
