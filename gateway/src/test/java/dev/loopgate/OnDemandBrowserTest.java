package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In Chromium: opening a service whose command is stopped shows it starting, its output live, then the app. */
class OnDemandBrowserTest {
    @TempDir
    Path dir;

    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theStartingPageShowsTheOutputAsItIsWrittenAndTurnsIntoTheApp() throws Exception {
        Files.writeString(dir.resolve("index.html"), "<!doctype html><h1 id=\"app\">hello from web</h1>\n");
        Files.writeString(
                dir.resolve("loopgate.yaml"),
                """
                services:
                  web:
                    command: echo compiling; sleep 1; echo built in 1s; sleep 2; exec python3 -m http.server {port} --bind 127.0.0.1
                """);
        gateway = Gateway.start(new Gateway.Options(
                dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(100)));

        try (Browser browser = Browser.launch()) {
            Browser.Page page = browser.newPage().open("http://web.localhost:" + gateway.port() + "/");

            assertThat(page.text("h1")).isEqualTo("Starting web…");
            // Written before or after the page was rendered: either way it is there, once (the stream starts after
            // the last line the page showed).
            String compilingLines =
                    "document.getElementById('output').textContent.split('\\n').filter(l => l === 'compiling').length";
            page.waitFor("the first line of output", "document.getElementById('output') && " + compilingLines);
            assertThat(page.eval(compilingLines).asInt()).as("shown once").isEqualTo(1);
            page.waitFor("the page to reload into the app", "document.getElementById('app')");
            assertThat(page.text("#app")).isEqualTo("hello from web");

            Browser.Page dashboard = browser.newPage().open("http://loopgate.localhost:" + gateway.port() + "/");
            dashboard.waitFor(
                    "the command's state on the dashboard",
                    "(document.querySelector('[data-process=\"web\"]')||{}).innerText?.includes('running')");
            dashboard.click("[data-service=\"web\"] summary");
            dashboard.waitFor(
                    "its output in the panel",
                    "(document.querySelector('pre[data-output=\"web\"]')||{}).textContent?.includes('Serving HTTP')");
        }
    }
}
