package dev.loopgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider inside a real gateway against an Engine stand-in on a real unix socket: routes follow the container
 * list within a second of an event, and an Engine that is not there yet costs nothing but a retry.
 */
class DockerDiscoveryTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Gateway gateway;
    private FakeEngine engine;
    private TestBackend web;
    private TestBackend admin;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (engine != null) {
            engine.close();
        }
        web.close();
        if (admin != null) {
            admin.close();
        }
    }

    private int status(String host) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/"))
                                .header("Host", host)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String services() {
        try {
            return http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/services"))
                                    .header("Host", "loopgate.localhost")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** The recorded list with its one labelled, host-networked container moved to {@code port}. */
    private static String adminOn(int port) throws Exception {
        try (InputStream in = DockerDiscoveryTest.class.getResourceAsStream("/docker/containers.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"loopgate.port\": \"3000\"", "\"loopgate.port\": \"" + port + "\"");
        }
    }

    @Test
    void routesFollowTheEngineAndAMissingEngineIsRetried() throws Exception {
        web = TestBackend.http(TestBackend.text("web"));
        admin = TestBackend.http(TestBackend.text("admin"));
        Path socket = dir.resolve("docker.sock");
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config,
                "services:\n  web: http://127.0.0.1:" + web.port() + "\n" + "docker: { enabled: true, endpoint: unix://"
                        + socket + " }\n");
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
        assertThat(status("web.localhost"))
                .as("no Engine yet: the file's routes serve")
                .isEqualTo(200);
        assertThat(status("admin.localhost")).isEqualTo(404);
        Wait.until("the unreachable Engine as a notice", Duration.ofSeconds(5), () -> services()
                .contains("Docker: cannot follow the Engine at " + socket));

        engine = new FakeEngine(socket);
        engine.containers.set(adminOn(admin.port()));
        Wait.until("the labelled container's route after a retry", Duration.ofSeconds(15), () -> {
            try {
                return status("admin.localhost") == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(gateway.routes().current().services().get("admin").source()).isEqualTo("docker");
        Wait.until("the mislabelled containers as notices", Duration.ofSeconds(5), () -> services()
                .contains("Docker container broken: label loopgate.service"));
        assertThat(services())
                .contains("Docker container isolated: it has no network address")
                .doesNotContain("cannot follow the Engine");
        Wait.until("the event stream", Duration.ofSeconds(5), () -> engine.openStreams() == 1);

        engine.containers.set("[]");
        engine.emit("{\"status\":\"die\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"x\"}}");
        Wait.until(
                "the route gone after 'die'",
                Duration.ofSeconds(5),
                () -> !gateway.routes().current().services().containsKey("admin"));
        assertThat(status("admin.localhost")).isEqualTo(404);
        assertThat(status("web.localhost")).isEqualTo(200);
    }
}
