package dev.loopgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.Browser;
import dev.loopgate.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the error pages in a real headless Chromium, against a real gateway with health checks: what a
 * person sees, live, and what the sign-in link lets them do. Screenshots go to {@code target/screenshots}.
 */
class DashboardBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");

    private static Browser browser;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private TestBackend web;
    private Gateway gateway;
    private int deadPort;

    @BeforeAll
    static void launch() throws Exception {
        browser = Browser.launch();
    }

    @AfterAll
    static void quit() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        web = TestBackend.http(TestBackend.text("hello from web"));
        // Below the ephemeral range, where the OS-assigned ports of Chromium and the test backends are not: a
        // listener within 10 ports would (rightly) turn "refused" into "moved to a nearby port".
        deadPort = dev.loopgate.diagnostics.FreePort.belowEphemeralRange();
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(
                file,
                "services:\n"
                        + "  web:\n"
                        + "    backends: [http://127.0.0.1:" + web.port() + "]\n"
                        + "    health: { interval: 100ms, timeout: 500ms, unhealthy_threshold: 1 }\n"
                        + "  docs:\n"
                        + "    backends: [http://127.0.0.1:" + deadPort + "]\n"
                        + "    wait: 0s\n");
        gateway = Gateway.start(
                new Gateway.Options(file, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        web.close();
    }

    private String admin(String path) {
        return "http://loopgate.localhost:" + gateway.port() + path;
    }

    private Browser.Page dashboard() {
        Browser.Page page = browser.newPage().open(admin("/"));
        page.waitFor("the live stream", "document.querySelector('#live').dataset.state === 'live'");
        page.waitFor("the service list", "document.querySelector('tr[data-service=web]')");
        return page;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> register(String service, String id, int port) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + gateway.port() + "/api/v1/services/" + service + "/backends/" + id))
                .header("Host", "loopgate.localhost")
                .header("Authorization", "Bearer " + gateway.token().value())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:" + port + "\"}")));
    }

    private HttpResponse<String> through(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Host", host);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    @Test
    void theDashboardListsServicesAndFollowsRegistrationsAndHealthLive() throws Exception {
        Browser.Page page = dashboard();
        page.waitFor("web's backend up", "document.querySelector('tr[data-service=web] .health.up')");
        assertThat(page.text("tr[data-service=web]")).contains("http://web.localhost:" + gateway.port() + "/");
        page.waitFor("docs's backend down", "document.querySelector('tr[data-service=docs] .health.down')");
        assertThat(page.text("tr[data-service=docs]")).contains("connection refused");

        assertThat(register("api", "dev-1", web.port()).statusCode()).isEqualTo(201);
        page.waitFor("the registered service, without a reload", "document.querySelector('tr[data-service=api]')");
        assertThat(page.text("tr[data-service=api]")).contains("api").contains("http://127.0.0.1:" + web.port());

        for (int i = 0; i < 5; i++) {
            assertThat(through("web.localhost", "/page/" + i).statusCode()).isEqualTo(200);
        }
        through("docs.localhost", "/guide");
        page.waitFor(
                "web's request figures",
                "document.querySelector('tr[data-service=web] td:nth-child(4)').innerText !== '–'");
        page.screenshot(SHOTS.resolve("dashboard.png"));
        page.darkMode(true);
        page.screenshot(SHOTS.resolve("dashboard-dark.png"));
        page.darkMode(false);

        web.close();
        page.waitFor("web's backend down", "document.querySelector('tr[data-service=web] .health.down')");
    }

    @Test
    void whatIsConfiguredButNotRoutedIsShownAtTheTop() throws Exception {
        assertThat(register("api", "dev-1", web.port()).statusCode()).isEqualTo(201);
        Browser.Page page = dashboard();
        assertThat(page.eval("document.querySelector('#notices').hidden").asBoolean())
                .isTrue();
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(
                file, Files.readString(file) + "  other:\n    hosts: [api.localhost]\n    port: " + deadPort + "\n");
        page.waitFor("the shadowed API service as a notice", "!document.querySelector('#notices').hidden");
        assertThat(page.text("#notices"))
                .contains("Configured but not routed")
                .contains("API service 'api': http://api.localhost/ is routed to 'other' by the config file");
    }

    @Test
    void theInspectorShowsARequestMadeThroughTheGatewayWithItsHeadersAndTimings() throws Exception {
        Browser.Page page = dashboard();
        assertThat(through("web.localhost", "/orders?id=7", "X-Demo", "shown", "Authorization", "Bearer secret-1")
                        .statusCode())
                .isEqualTo(200);
        page.waitFor(
                "the request in the log",
                "[...document.querySelectorAll('#requests tbody tr')]"
                        + ".some(r => r.innerText.includes('web.localhost/orders'))");
        page.eval("[...document.querySelectorAll('#requests tbody tr')]"
                + ".find(r => r.innerText.includes('/orders')).click()");
        page.waitFor(
                "the details",
                "!document.querySelector('#detail').hidden"
                        + " && document.querySelector('#detail-request-headers').innerText.toLowerCase().includes('x-demo')");
        String detail = page.text("#detail");
        assertThat(detail)
                .contains("GET web.localhost/orders")
                .contains("200")
                .contains("127.0.0.1:" + web.port())
                .contains("First byte")
                .contains("shown");
        assertThat(detail).doesNotContain("secret-1");
        page.screenshot(SHOTS.resolve("inspector.png"));

        page.eval("(() => { const s = document.querySelector('#filter-status'); s.value = '5xx';"
                + " s.dispatchEvent(new Event('change')); })()");
        page.waitFor("the filtered-out request gone", "document.querySelectorAll('#requests tbody tr').length === 0");
    }

    @Test
    void theOneTimeLinkSignsInAndLetsTheDashboardRemoveAnApiBackend() throws Exception {
        assertThat(register("api", "dev-1", web.port()).statusCode()).isEqualTo(201);
        Browser.Page page = dashboard();
        page.waitFor("the api backend", "document.querySelector('[data-backend=dev-1] button.remove')");
        assertThat(page.eval("document.querySelector('[data-backend=dev-1] button.remove').disabled")
                        .asBoolean())
                .as("read only before signing in")
                .isTrue();
        assertThat(page.eval("fetch('/api/v1/requests', {method: 'DELETE'}).then(r => r.status)")
                        .asInt())
                .isEqualTo(401);

        String link = gateway.dashboardLoginUrl();
        page.open(link);
        page.waitFor("signed in", "document.querySelector('#session-text').innerText === 'signed in'");
        assertThat(page.eval("location.pathname + location.search").asText()).isEqualTo("/");
        assertThat(page.eval("document.cookie").asText())
                .as("the session cookie is HttpOnly")
                .doesNotContain("loopgate_session");
        page.waitFor(
                "an enabled remove button",
                "document.querySelector('[data-backend=dev-1] button.remove')"
                        + " && !document.querySelector('[data-backend=dev-1] button.remove').disabled");
        page.click("[data-backend=dev-1] button.remove");
        page.waitFor("the service gone", "!document.querySelector('tr[data-service=api]')");
        assertThat(gateway.routes().current().services()).doesNotContainKey("api");

        Browser.Page again = browser.newPage().open(link);
        assertThat(again.text("body")).contains("This sign-in link has expired").contains("loopgate dashboard");
    }

    @Test
    void errorPagesSayWhatIsWrongAndHowToFixIt() throws Exception {
        Browser.Page page = browser.newPage().open("http://wbe.localhost:" + gateway.port() + "/");
        assertThat(page.text("body")).contains("No service here").contains("web.localhost");
        assertThat(page.eval("[...document.querySelectorAll('a')].some(a => a.href.startsWith('http://web.localhost'))")
                        .asBoolean())
                .as("the closest name is a link")
                .isTrue();
        page.screenshot(SHOTS.resolve("404.png"));

        page.open("http://docs.localhost:" + gateway.port() + "/");
        assertThat(page.text("body"))
                .contains("docs")
                .contains("127.0.0.1:" + deadPort)
                .containsIgnoringCase("refused");
        // A 503 page (the health check already saw the backend down) listens to loopgate's own event stream.
        assertThat(page.eval("JSON.stringify(performance.getEntriesByType('resource').map(e => e.name)"
                                + ".filter(n => !n.startsWith('" + admin("/api/v1/events") + "')))")
                        .asText())
                .as("what the page loads from elsewhere")
                .isEqualTo("[]");
        page.screenshot(SHOTS.resolve("502.png"));
    }
}
