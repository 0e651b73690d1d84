package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Active and passive health checks, failover and hysteresis, with backends that die and come back in-test. */
class HealthTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void start(String yaml) throws Exception {
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(config, yaml);
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    private HttpResponse<String> get(String host, String path) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                            .header("Host", host)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String health(String service, String id) {
        String json = get("loopgate.localhost", "/api/v1/services").body();
        int at = json.indexOf("\"id\":\"" + id + "\"");
        assertThat(at).as("backend " + id + " listed").isPositive();
        int h = json.indexOf("\"health\":\"", at);
        return json.substring(h + 10, json.indexOf('"', h + 10));
    }

    @Test
    void killingOneOfTwoBackendsUnderLoadFailsNoRequestAndItComesBackAfterRestart() throws Exception {
        TestBackend a = TestBackend.http(TestBackend.text("a"));
        TestBackend b = TestBackend.http(TestBackend.text("b"));
        int portA = a.port();
        start(
                """
                services:
                  api:
                    backends: [http://127.0.0.1:%d, http://127.0.0.1:%d]
                    health: { interval: 200ms, timeout: 200ms }
                """
                        .formatted(portA, b.port()));
        try {
            int failed = 0;
            for (int i = 0; i < 2000; i++) {
                if (i == 500) {
                    a.close();
                }
                HttpResponse<String> res = get("api.localhost", "/");
                if (res.statusCode() != 200) {
                    failed++;
                }
            }
            assertThat(failed).as("requests that failed while a backend died").isZero();
            assertThat(health("api", "127.0.0.1:" + portA)).isEqualTo("down");
            assertThat(get("loopgate.localhost", "/api/v1/services").body()).contains("connection refused");

            a = TestBackend.http("127.0.0.1", portA, TestBackend.text("a again"));
            Wait.until("the restarted backend to be back in rotation", Duration.ofSeconds(3), () -> health(
                            "api", "127.0.0.1:" + portA)
                    .equals("up"));
            boolean sawA = false;
            for (int i = 0; i < 6 && !sawA; i++) {
                sawA = get("api.localhost", "/").body().equals("a again");
            }
            assertThat(sawA).isTrue();
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aBackendThatDiesIsSeenDownWithinTheIntervalWithoutAnyTraffic() throws Exception {
        TestBackend a = TestBackend.http(TestBackend.text("a"));
        start("services:\n  web:\n    backends: [http://127.0.0.1:" + a.port() + "]\n"
                + "    health: { interval: 300ms, timeout: 200ms }\n    wait: 0s\n");
        String id = "127.0.0.1:" + a.port();
        Wait.until("the first check", Duration.ofSeconds(3), () -> health("web", id)
                .equals("up"));
        a.close();
        long start = System.nanoTime();
        Wait.until("the backend to be seen down", Duration.ofSeconds(3), () -> health("web", id)
                .equals("down"));
        // Two failed probes (the default unhealthy_threshold) at 300 ms ± 10 %.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        HttpResponse<String> res = get("web.localhost", "/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("retry-after")).contains("1");
        assertThat(res.body())
                .contains("None of the backends of service 'web' is healthy")
                .contains("connection refused");
    }

    @Test
    void httpChecksApplyTheThresholdsBothWays() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        AtomicReference<HttpResponseStatus> answer = new AtomicReference<>(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        TestBackend a = TestBackend.http((ctx, req) -> {
            if (req.uri().equals("/health")) {
                probes.incrementAndGet();
                TestBackend.send(ctx, req, answer.get(), "health");
            } else {
                TestBackend.send(ctx, req, HttpResponseStatus.OK, "page");
            }
        });
        try {
            start(
                    """
                    services:
                      web:
                        backends: [http://127.0.0.1:%d]
                        health: { path: /health, interval: 100ms, timeout: 500ms, healthy_threshold: 2, unhealthy_threshold: 3 }
                    """
                            .formatted(a.port()));
            String id = "127.0.0.1:" + a.port();
            Wait.until("three failing probes to turn it down", Duration.ofSeconds(5), () -> health("web", id)
                    .equals("down"));
            assertThat(probes.get()).as("probes before it was down").isGreaterThanOrEqualTo(3);
            assertThat(get("loopgate.localhost", "/api/v1/services").body()).contains("GET /health answered 500");

            int before = probes.get();
            answer.set(HttpResponseStatus.OK);
            Wait.until("two passing probes to turn it up", Duration.ofSeconds(5), () -> health("web", id)
                    .equals("up"));
            assertThat(probes.get() - before).as("probes before it was up").isGreaterThanOrEqualTo(2);
            assertThat(get("web.localhost", "/").body()).isEqualTo("page");
        } finally {
            a.close();
        }
    }
}
