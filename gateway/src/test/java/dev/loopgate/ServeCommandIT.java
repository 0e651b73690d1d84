package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loopgate serve} as a user runs it: the jar in its own process. */
class ServeCommandIT {
    @TempDir
    Path dir;

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aConfigErrorAtStartupExitsNonZeroWithFileLineAndMessage() throws Exception {
        Path file = config("services:\n  web: 99999\n  api:\n    backend: [http://127.0.0.1:1]\n");
        try (GatewayProcess p = GatewayProcess.start(
                List.of(),
                "serve",
                "--config",
                file.toString(),
                "--port",
                "0",
                "--state-dir",
                dir.resolve("state").toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(2);
            assertThat(p.stderr())
                    .contains(file + ":2: services.web: must be 1–65535, got '99999'")
                    .contains(file + ":4: services.api.backend: unknown key; did you mean 'backends'?")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aPortInUseIsAnErrorThatNamesTheProcessHoldingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                GatewayProcess p = GatewayProcess.start(
                        List.of(),
                        "serve",
                        "--config",
                        config("").toString(),
                        "--port",
                        String.valueOf(taken.getLocalPort()),
                        "--state-dir",
                        dir.resolve("s").toString())) {
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(3);
            assertThat(p.stderr())
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("already in use by java (pid "
                            + ProcessHandle.current().pid() + ")")
                    .contains("--port");
        }
    }

    @Test
    void sigtermFinishesInFlightRequestsThenExitsZero() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestBackend slow = TestBackend.http((ctx, req) -> CompletableFuture.runAsync(() -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ctx.executor().execute(() -> TestBackend.send(ctx, req, HttpResponseStatus.OK, "finished"));
                }));
                GatewayProcess p = GatewayProcess.start(
                        List.of(),
                        "serve",
                        "--config",
                        config("services:\n  slow: http://127.0.0.1:" + slow.port() + "\n")
                                .toString(),
                        "--port",
                        "0",
                        "--state-dir",
                        dir.resolve("state").toString())) {
            int port = p.awaitPort(Duration.ofSeconds(20));
            assertThat(Files.exists(dir.resolve("state/gateway.json"))).isTrue();
            if (System.getProperty("os.name").equals("Linux")) {
                assertThat(p.stdout()).as("the native transport on Linux").contains("(epoll, ready in ");
            }
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .header("Host", "slow.localhost")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Wait.until("the request to reach the backend", Duration.ofSeconds(10), () -> slow.requests.size() == 1);
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nothing?q=1"))
                                    .header("Host", "nope.localhost")
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            Wait.until("the access log line", Duration.ofSeconds(10), () -> p.stdout()
                    .matches(
                            "(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d{3} 127\\.0\\.0\\.1 GET nope\\.localhost /nothing 404 - - "
                                    + "[0-9.]+ms \\d+B\n.*"));
            p.terminate();
            Wait.until("the gateway to stop accepting", Duration.ofSeconds(10), () -> !accepts(port));
            release.countDown();
            HttpResponse<String> res = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(res.body()).isEqualTo("finished");
            assertThat(res.headers().firstValue("connection")).contains("close");
            assertThat(p.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(Files.exists(dir.resolve("state/gateway.json"))).isFalse();
        }
    }

    @Test
    void aNonLoopbackAddressIsUsedOnlyWhenAskedForAndWarns() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(
                List.of(),
                "serve",
                "--config",
                config("").toString(),
                "--bind",
                "0.0.0.0",
                "--port",
                "0",
                "--state-dir",
                dir.resolve("s").toString())) {
            p.awaitPort(Duration.ofSeconds(20));
            Wait.until("the warning", Duration.ofSeconds(10), () -> p.stdout()
                    .contains("listening on 0.0.0.0:0: other machines on your network can reach"));
        }
        try (GatewayProcess p = GatewayProcess.start(
                List.of(),
                "serve",
                "--config",
                config("").toString(),
                "--port",
                "0",
                "--state-dir",
                dir.resolve("s2").toString())) {
            p.awaitPort(Duration.ofSeconds(20));
            assertThat(p.stdout())
                    .as("loopback by default")
                    .contains("loopgate listening on http://127.0.0.1:")
                    .doesNotContain("other machines");
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
