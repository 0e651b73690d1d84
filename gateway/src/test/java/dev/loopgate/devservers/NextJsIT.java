package dev.loopgate.devservers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.Wait;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Next.js dev server from npm refusing its {@code /_next/} dev resources to an origin that is not in
 * {@code allowedDevOrigins}: loopgate answers a page that names that setting instead of a bare "Unauthorized".
 */
class NextJsIT {
    private static final Path PROJECT = Paths.get("target", "next-it").toAbsolutePath();

    @TempDir
    Path dir;

    private Gateway gateway;
    private Process next;

    @BeforeAll
    static void installNext() throws Exception {
        NodeTools.assumeNode();
        NodeTools.install(PROJECT, "next", "next@16.4.6", "react@19.3.1", "react-dom@19.3.1");
        Files.createDirectories(PROJECT.resolve("app"));
        Files.writeString(
                PROJECT.resolve("app/page.js"),
                "export default function Page() { return <h1>hello from next</h1>; }\n");
        Files.writeString(
                PROJECT.resolve("app/layout.js"),
                "export default function RootLayout({ children }) {"
                        + " return <html><body>{children}</body></html>; }\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (next != null) {
            // next dev starts a worker of its own: stop both.
            next.descendants().forEach(ProcessHandle::destroy);
            next.destroy();
            next.waitFor();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void nextRefusingItsDevResourcesToAnUnknownOriginBecomesThePageThatNamesAllowedDevOrigins() throws Exception {
        int port = Local.freePort();
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        PROJECT.resolve("node_modules/next/dist/bin/next").toString(),
                        "dev",
                        "-p",
                        Integer.toString(port),
                        "-H",
                        "127.0.0.1")
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("next.log").toFile());
        pb.environment().put("NEXT_TELEMETRY_DISABLED", "1");
        next = pb.start();
        Wait.until(
                "Next.js to listen",
                Duration.ofSeconds(60),
                () -> Local.listening(port),
                () -> Local.read(dir.resolve("next.log")));
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(config, "services:\n  app:\n    hosts: [myapp.test]\n    port: " + port + "\n");
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));

        String page = Local.get(gateway.port(), "myapp.test", "/").body();
        assertThat(page).contains("hello from next");
        Matcher script = Pattern.compile("/_next/static/chunks/[^\"]+\\.js").matcher(page);
        assertThat(script.find()).as(page).isTrue();

        // What a browser sends for a dev script fetched from the page's own origin, myapp.test.
        HttpResponse<String> refused = Local.get(
                gateway.port(), "myapp.test", script.group(), "Origin", "http://myapp.test", "Accept", "text/html");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body())
                .contains("Next.js refused its dev resources to this host")
                .contains("allowedDevOrigins: [&#39;myapp.test&#39;]");
        assertThat(Local.read(dir.resolve("next.log")))
                .as("it was Next.js that refused")
                .contains("Blocked cross-origin request to Next.js dev resource");
    }
}
