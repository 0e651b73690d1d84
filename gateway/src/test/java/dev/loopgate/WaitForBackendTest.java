package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request that arrives while a service's dev server restarts waits for it instead of failing. */
class WaitForBackendTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private TestBackend backend;
    private int port;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("first"));
        port = backend.port();
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    private void gateway(String wait) throws Exception {
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config,
                """
                services:
                  web:
                    backends: [http://127.0.0.1:%d]
                    health: { interval: 100ms, timeout: 200ms }
                    wait: %s
                """
                        .formatted(port, wait));
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
        Wait.until("the backend to be up", Duration.ofSeconds(5), () -> health().equals("up"));
    }

    private HttpRequest.Builder request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Host", host)
                .timeout(Duration.ofSeconds(15));
    }

    private String health() {
        try {
            String json = client.send(
                            request("loopgate.localhost", "/api/v1/services").build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            int h = json.indexOf("\"health\":\"");
            return json.substring(h + 10, json.indexOf('"', h + 10));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void killBackend() {
        backend.close();
        Wait.until("the backend to be seen down", Duration.ofSeconds(5), () -> health().equals("down"));
    }

    @Test
    void aRequestParkedDuringARestartCompletesWhenTheBackendIsBack() throws Exception {
        gateway("10s");
        killBackend();
        CompletableFuture<HttpResponse<String>> parked =
                client.sendAsync(request("web.localhost", "/page").build(), HttpResponse.BodyHandlers.ofString());
        backend = TestBackend.http("127.0.0.1", port, TestBackend.text("restarted"));
        HttpResponse<String> res = parked.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("restarted");
    }

    @Test
    void whenTheWaitRunsOutABrowserGetsAPageThatReloadsItselfFromAnEventStream() throws Exception {
        gateway("300ms");
        killBackend();
        long start = System.nanoTime();
        HttpResponse<String> res = client.send(
                request("web.localhost", "/").header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(res.statusCode()).isEqualTo(503);
        String events = "http://loopgate.localhost:" + gateway.port() + "/api/v1/events?service=web";
        assertThat(res.body())
                .contains("new EventSource(\"" + events + "\")")
                .contains("reloads by itself")
                .doesNotContain("setInterval")
                .doesNotContain("setTimeout");

        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /api/v1/events?service=web HTTP/1.1\r\nHost: loopgate.localhost\r\n"
                    + "Origin: http://web.localhost:" + gateway.port() + "\r\n\r\n");
            String head = c.readHead();
            assertThat(head)
                    .startsWith("HTTP/1.1 200")
                    .contains("content-type: text/event-stream")
                    .contains("access-control-allow-origin: http://web.localhost:" + gateway.port());
            assertThat(readUntil(c, ": waiting for web")).isTrue();
            backend = TestBackend.http("127.0.0.1", port, TestBackend.text("back"));
            assertThat(readUntil(c, "event: up\ndata: web\n\n")).isTrue();
        }
    }

    /** Reads the (chunked) stream until {@code text} appears; the socket's 10 s timeout bounds the wait. */
    private static boolean readUntil(RawClient c, String text) throws java.io.IOException {
        StringBuilder seen = new StringBuilder();
        java.io.InputStream in = c.socket().getInputStream();
        while (seen.indexOf(text) < 0) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            seen.append((char) b);
        }
        return true;
    }

    @Test
    void requestsAndEventStreamsThatStopWaitingLeaveNothingQueued() throws Exception {
        gateway("60s");
        killBackend();
        String request = "GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n";
        String events = "GET /api/v1/events?service=web HTTP/1.1\r\nHost: loopgate.localhost\r\n\r\n";
        int batch = 500;
        for (int round = 0; round < 20; round++) {
            java.util.List<java.net.Socket> open = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < batch; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port());
                    open.add(s);
                    s.getOutputStream()
                            .write((i % 10 == 0 ? events : request)
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                Wait.until(
                        "the batch to be waiting",
                        Duration.ofSeconds(20),
                        () -> gateway.health().waiting("web") == batch);
            } finally {
                for (java.net.Socket s : open) {
                    s.close();
                }
            }
            Wait.until(
                    "every abandoned wait to be forgotten",
                    Duration.ofSeconds(20),
                    () -> gateway.health().waiting("web") == 0,
                    () -> "still waiting: " + gateway.health().waiting("web"));
        }
    }

    private static List<java.net.Socket> open(int port, int n, String request) throws Exception {
        List<java.net.Socket> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.net.Socket s = new java.net.Socket("127.0.0.1", port);
            out.add(s);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static void closeAll(List<java.net.Socket> sockets) throws Exception {
        for (java.net.Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void pastAThousandWaitingRequestsTheNextIsAnsweredAtOnce() throws Exception {
        gateway("60s");
        killBackend();
        List<java.net.Socket> waiting = open(gateway.port(), 1000, "GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
        try {
            Wait.until(
                    "a thousand waiting",
                    Duration.ofSeconds(20),
                    () -> gateway.health().waiting("web") == 1000);
            long start = System.nanoTime();
            HttpResponse<String> res =
                    client.send(request("web.localhost", "/").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            closeAll(waiting);
        }
    }

    @Test
    void liveStreamsAreCappedWithAClearAnswer() throws Exception {
        gateway("60s");
        killBackend();
        List<java.net.Socket> streams = open(
                gateway.port(), 256, "GET /api/v1/events?service=web HTTP/1.1\r\nHost: loopgate.localhost\r\n\r\n");
        try {
            Wait.until(
                    "256 event streams",
                    Duration.ofSeconds(20),
                    () -> gateway.health().waiting("web") == 256);
            HttpResponse<String> res = client.send(
                    request("loopgate.localhost", "/api/v1/events?service=web").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("256 dashboard and event streams are open already");
        } finally {
            closeAll(streams);
        }
        Wait.until(
                "a place to be free again",
                Duration.ofSeconds(10),
                () -> gateway.health().waiting("web") == 0);
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /api/v1/events?service=web HTTP/1.1\r\nHost: loopgate.localhost\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void foreignPagesCannotListen() throws Exception {
        gateway("1s");
        HttpResponse<String> res = client.send(
                request("loopgate.localhost", "/api/v1/events?service=web")
                        .header("Origin", "https://evil.example")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
