package dev.loopgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.Browser;
import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole HTTPS story in a real browser: {@code loopgate trust} fills an NSS database under a fresh HOME, and
 * Chromium with that HOME opens {@code https://web.localhost} from a real Vite dev server without a warning, over h2,
 * as a secure context, with Vite's HMR WebSocket on the same h2 connection (RFC 8441) delivering a hot update.
 */
class HttpsBrowserIT {
    private static final Path PROJECT = Paths.get("target", "vite-https-it").toAbsolutePath();
    private static final String VITE_VERSION = "8.4.0";

    @TempDir
    Path dir;

    private Gateway gateway;
    private Process vite;

    @BeforeAll
    static void installVite() throws Exception {
        NodeTools.assumeNode();
        NodeTools.install(PROJECT, "vite", "vite@" + VITE_VERSION);
    }

    @AfterEach
    void stop() throws Exception {
        if (vite != null) {
            vite.destroy();
            vite.waitFor(10, TimeUnit.SECONDS);
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private void writePage() throws Exception {
        Files.writeString(
                PROJECT.resolve("index.html"),
                "<!doctype html><title>vite over h2</title><h1 id=greeting></h1>"
                        + "<script type=module src=/main.js></script>\n");
    }

    /** The module that renders the greeting; it accepts its own updates, so an edit is applied without a reload. */
    private void writeApp(String greeting) throws Exception {
        Files.writeString(
                PROJECT.resolve("main.js"),
                "document.getElementById('greeting').textContent = '" + greeting + "';\n"
                        + "window.loads = (window.loads || 0) + 1;\n"
                        + "if (import.meta.hot) import.meta.hot.accept();\n");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void afterLoopgateTrustChromiumLoadsViteOverH2WithHotUpdatesAndNoWarning() throws Exception {
        writePage();
        writeApp("hello over h2");
        int vitePort = Local.freePort();
        vite = new ProcessBuilder(
                        "node", "node_modules/vite/bin/vite.js", "--port", Integer.toString(vitePort), "--strictPort")
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("vite.log").toFile())
                .start();
        Path state = dir.resolve("state");
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config, "https:\n  listen: 127.0.0.1:0\nservices:\n  web: http://localhost:" + vitePort + "\n");
        gateway = Gateway.start(new Gateway.Options(config, null, 0, new StateDir(state), Duration.ofMillis(200)));
        Wait.until("Vite serves", Duration.ofSeconds(60), () -> Local.listening(vitePort), () -> log("vite.log"));

        Path home = Files.createDirectories(dir.resolve("home"));
        String trusted = trust(home, state);
        assertThat(trusted).contains("ok   nss " + home.resolve(".pki/nssdb"));

        String url = "https://web.localhost:" + gateway.httpsPort() + "/";
        try (Browser browser = Browser.launch(Map.of("HOME", home.toString()))) {
            Browser.Page page = browser.newPage().open(url);
            page.waitFor(
                    "the app rendered", "(document.getElementById('greeting')||{}).textContent === 'hello over h2'");
            assertThat(page.eval("performance.getEntriesByType('navigation')[0].nextHopProtocol")
                            .asText())
                    .isEqualTo("h2");
            assertThat(page.eval("window.isSecureContext").asBoolean()).isTrue();
            Wait.until(
                    "Vite's HMR WebSocket is open through loopgate over h2",
                    Duration.ofSeconds(20),
                    () -> webSocketOverH2(),
                    () -> requests().toString());

            writeApp("hot update arrived");
            page.waitFor(
                    "the hot update", "(document.getElementById('greeting')||{}).textContent === 'hot update arrived'");
            assertThat(page.eval("window.loads").asInt())
                    .as("updated in place, not reloaded")
                    .isEqualTo(2);
            assertThat(page.eval("performance.getEntriesByType('navigation').length")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    /** Runs {@code loopgate trust --store nss} as a user would, with {@code HOME} pointing at a fresh home. */
    private static String trust(Path home, Path state) throws Exception {
        try (GatewayProcess trust = GatewayProcess.startWith(
                Map.of("HOME", home.toString()),
                List.of(),
                List.of(),
                "trust",
                "--store",
                "nss",
                "--state-dir",
                state.toString())) {
            assertThat(trust.awaitExit(Duration.ofSeconds(60)))
                    .as(trust.stdout() + trust.stderr())
                    .isZero();
            return trust.stdout();
        }
    }

    private boolean webSocketOverH2() {
        for (JsonNode r : requests().path("requests")) {
            if (r.path("status").asInt() == 101
                    && "h2".equals(r.path("protocol").asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode requests() {
        try {
            return new ObjectMapper()
                    .readTree(Local.get(
                                    gateway.port(),
                                    "loopgate.localhost",
                                    "/api/v1/requests?service=web",
                                    "Authorization",
                                    "Bearer " + gateway.token().value())
                            .body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
