package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}: the meters PRODUCT.md names, counts that match the traffic, and valid Prometheus text. */
class MetricsTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private TestBackend backend;
    private Gateway gateway;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("ok"));
        config = dir.resolve("loopgate.yaml");
        Files.writeString(config, "services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(100)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Host", host)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertThat(m.find()).as("series " + series + " in:\n" + scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countersMatchTheRequestsSentAndEveryNamedMeterIsThere() throws Exception {
        for (int i = 0; i < 37; i++) {
            assertThat(get("web.localhost", "/").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(get("nothing.localhost", "/").statusCode()).isEqualTo(404);
        }
        Files.writeString(config, "services:\n  web: 99999\n");
        Wait.until(
                "the bad edit to be rejected",
                Duration.ofSeconds(5),
                () -> gateway.reloads().rejected() == 1);
        Wait.until("a health check", Duration.ofSeconds(5), () -> {
            try {
                return get("loopgate.localhost", "/metrics").body().contains("loopgate_health_checks_total{");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        String scrape = get("loopgate.localhost", "/metrics").body();
        assertThat(
                        value(
                                scrape,
                                "loopgate_requests_seconds_count{method=\"GET\",protocol=\"http/1.1\",service=\"web\",status=\"200\"}"))
                .isEqualTo(37);
        assertThat(
                        value(
                                scrape,
                                "loopgate_requests_seconds_count{method=\"GET\",protocol=\"http/1.1\",service=\"none\",status=\"404\"}"))
                .isEqualTo(3);
        assertThat(scrape)
                .contains(
                        "loopgate_requests_seconds_bucket{method=\"GET\",protocol=\"http/1.1\",service=\"web\",status=\"200\",le=\"0.001\"}")
                .contains("le=\"10.0\"");
        assertThat(value(scrape, "loopgate_backend_up{backend=\"127.0.0.1:" + backend.port() + "\",service=\"web\"}"))
                .isEqualTo(1);
        assertThat(value(scrape, "loopgate_config_reloads_total{result=\"rejected\"}"))
                .isEqualTo(1);
        assertThat(scrape)
                .contains("loopgate_connections_active ")
                .contains("loopgate_backend_connections{")
                .contains("loopgate_health_checks_total{result=\"pass\",service=\"web\"}")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
        for (String meter : new String[] {
            "loopgate_requests_seconds",
            "loopgate_backend_up",
            "loopgate_connections_active",
            "loopgate_backend_connections",
            "loopgate_health_checks_total",
            "loopgate_config_reloads_total"
        }) {
            assertThat(scrape).as("help text for " + meter).containsPattern("(?m)^# HELP " + meter + " \\S");
        }
        assertThat(scrape).as("no request host or path in any label").doesNotContain("nothing.localhost");
        assertThat(get("loopgate.localhost", "/metrics").headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    }

    @Test
    void openConnectionsAreCountedAfterAGarbageCollection() throws Exception {
        try (java.net.Socket open = new java.net.Socket("127.0.0.1", gateway.port())) {
            // The gauges read the gateway through lambdas; a collection must not leave them reading NaN.
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            Wait.until("the open connection to be counted", Duration.ofSeconds(5), () -> {
                try {
                    // The scrape itself is a second connection.
                    return value(get("loopgate.localhost", "/metrics").body(), "loopgate_connections_active") >= 2;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            String scrape = get("loopgate.localhost", "/metrics").body();
            assertThat(value(
                            scrape,
                            "loopgate_backend_up{backend=\"127.0.0.1:" + backend.port() + "\",service=\"web\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void theExpositionPassesPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool is not installed (.ci/run installs the prometheus package)");
        get("web.localhost", "/");
        Path scrape = dir.resolve("metrics.txt");
        Files.writeString(scrape, get("loopgate.localhost", "/metrics").body());
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(scrape.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
    }
}
