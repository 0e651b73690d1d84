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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file is watched: valid edits apply without dropping anything, invalid ones change nothing. */
class HotReloadTest {
    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient client = HttpClient.newHttpClient();
    private TestBackend slow;
    private TestBackend a;
    private TestBackend b;
    private Gateway gateway;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        slow = TestBackend.http((ctx, req) -> CompletableFuture.runAsync(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ctx.executor().execute(() -> TestBackend.send(ctx, req, HttpResponseStatus.OK, "slow done"));
        }));
        a = TestBackend.http(TestBackend.text("a"));
        b = TestBackend.http(TestBackend.text("b"));
        file = dir.resolve("loopgate.yaml");
        Files.writeString(file, services("a", a));
        gateway = Gateway.start(
                new Gateway.Options(file, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        release.countDown();
        gateway.close();
        slow.close();
        a.close();
        b.close();
    }

    private String services(String name, TestBackend backend) {
        return "services:\n  slow: http://127.0.0.1:" + slow.port() + "\n  " + name + ": http://127.0.0.1:"
                + backend.port() + "\n";
    }

    private int status(String host) {
        try {
            return client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/"))
                                    .header("Host", host)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aValidEditAddsAndRemovesServicesWhileALongRequestStaysUp() throws Exception {
        CompletableFuture<HttpResponse<String>> longRequest = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/wait"))
                        .header("Host", "slow.localhost")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Wait.until("the slow request to reach its backend", Duration.ofSeconds(5), () -> slow.requests.size() == 1);
        assertThat(status("a.localhost")).isEqualTo(200);

        Files.writeString(file, services("b", b));
        Wait.until("b to be routed", Duration.ofSeconds(5), () -> status("b.localhost") == 200);
        assertThat(status("a.localhost")).isEqualTo(404);

        release.countDown();
        assertThat(longRequest.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow done");
    }

    @Test
    void anInvalidEditKeepsTheOldRoutesAndAFixedOneApplies() throws Exception {
        Files.writeString(file, "services:\n  a: 99999\n  b: http://127.0.0.1:" + b.port() + "\n");
        Wait.until(
                "the bad edit to be read and rejected",
                Duration.ofSeconds(5),
                () -> gateway.reloads().rejected() == 1);
        assertThat(gateway.reloads().lastError()).isEqualTo(file + ":2: services.a: must be 1–65535, got '99999'");
        assertThat(status("a.localhost")).as("the previous routes keep serving").isEqualTo(200);
        assertThat(status("b.localhost")).isEqualTo(404);

        Path tmp = dir.resolve("loopgate.yaml.tmp");
        Files.writeString(tmp, services("b", b));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Wait.until(
                "the fixed file (replaced by rename, as editors do) to apply",
                Duration.ofSeconds(5),
                () -> status("b.localhost") == 200);
        assertThat(status("a.localhost")).isEqualTo(404);
        assertThat(gateway.reloads().lastError()).isNull();
        assertThat(gateway.reloads().applied()).isEqualTo(1);
    }

    @Test
    void aHugeFileIsRejectedWithoutBeingParsedAndTheOldRoutesServe() throws Exception {
        // 50 MB once made the watcher spin at 20-40 % CPU and grow to 1.2 GB: it is refused from its size alone.
        try (var out = Files.newBufferedWriter(file)) {
            out.write(services("a", a));
            String comment = "# " + "x".repeat(1022) + "\n";
            for (int i = 0; i < 2048; i++) {
                out.write(comment);
            }
        }
        Wait.until(
                "the huge edit to be rejected",
                Duration.ofSeconds(5),
                () -> gateway.reloads().rejected() == 1);
        assertThat(gateway.reloads().lastError()).contains("a config file may be at most 1 MiB");
        assertThat(status("a.localhost")).isEqualTo(200);

        Files.writeString(file, services("b", b));
        Wait.until("the fixed file to apply", Duration.ofSeconds(5), () -> status("b.localhost") == 200);
        assertThat(gateway.reloads().rejected())
                .as("the huge file was reported once, not at every poll")
                .isEqualTo(1);
    }

    @Test
    void withoutFileEventsTheContentCheckStillFindsEdits() throws Exception {
        java.util.concurrent.BlockingQueue<Object> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        Path other = dir.resolve("mounted.yaml");
        Files.writeString(other, "services:\n  one: 1\n");
        try (dev.loopgate.config.ConfigWatcher w = new dev.loopgate.config.ConfigWatcher(
                        other,
                        dev.loopgate.config.ConfigWatcher.read(other),
                        Duration.ofMillis(100),
                        seen::add,
                        seen::add,
                        false)
                .start()) {
            Files.writeString(other, "services:\n  two: 2\n");
            Object first = seen.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first).isInstanceOf(dev.loopgate.config.GatewayConfig.class);
            assertThat(((dev.loopgate.config.GatewayConfig) first).services()).containsOnlyKeys("two");
            Files.writeString(other, "services:\n  two: x\n");
            assertThat(seen.poll(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(dev.loopgate.config.ConfigException.class);
        }
    }

    @Test
    void startingWritesGatewayJsonForTheCliAndTheBannerListsEveryUrl() throws Exception {
        String json = Files.readString(dir.resolve("state/gateway.json"));
        assertThat(json)
                .contains("\"address\" : \"http://127.0.0.1:" + gateway.port() + "\"")
                .contains("\"pid\" : " + ProcessHandle.current().pid())
                .contains("\"admin_url\" : \"http://loopgate.localhost:" + gateway.port() + "/\"");
        assertThat(gateway.banner())
                .contains("loopgate listening on http://127.0.0.1:" + gateway.port())
                .contains("admin   http://loopgate.localhost:" + gateway.port() + "/")
                .contains("http://a.localhost:" + gateway.port() + "/ -> http://127.0.0.1:" + a.port());
        String signIn = gateway.banner()
                .lines()
                .filter(l -> l.startsWith("  sign in "))
                .findFirst()
                .orElseThrow();
        assertThat(signIn).contains("http://loopgate.localhost:" + gateway.port() + "/login?code=");
        HttpResponse<String> login = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                                + signIn.substring(signIn.indexOf("/login?code="), signIn.indexOf(" (once"))))
                        .header("Host", "loopgate.localhost")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as("the banner's link signs in").isEqualTo(303);
    }
}
