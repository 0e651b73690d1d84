package dev.loopgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.DockerSupport;
import dev.loopgate.testing.TestBackend;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * The image from docker/Dockerfile on a real Engine: it becomes healthy, routes a service from its config file to
 * the host, finds a labelled container and drops its route when the container stops. Host networking on loopback
 * ports throughout: no bridge network is created.
 */
@Tag("docker")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DockerIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private GenericContainer<?> gateway;
    private GenericContainer<?> labelled;
    private TestBackend onHost;
    private int port;

    @BeforeEach
    void requireEngine() {
        DockerSupport.requireEngine();
    }

    @AfterEach
    void stop() {
        if (labelled != null) {
            labelled.stop();
        }
        if (gateway != null) {
            gateway.stop();
        }
        if (onHost != null) {
            onHost.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String host) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("Host", host)
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean answers(String host, String body) {
        try {
            HttpResponse<String> res = get(host);
            return res.statusCode() == 200 && res.body().contains(body);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theImageRoutesItsFileAndDiscoversALabelledContainerUntilItStops() throws Exception {
        String image = DockerSupport.loopgateImage();
        System.out.println("loopgate image " + image + ": " + DockerSupport.sizeMiB(image) + " MiB on "
                + DockerSupport.JRE_IMAGE + " (" + DockerSupport.sizeMiB(DockerSupport.JRE_IMAGE) + " MiB)");
        onHost = TestBackend.http(TestBackend.text("from the host"));
        port = freePort();
        gateway = new GenericContainer<>(image)
                .withNetworkMode("host")
                .withEnv("LOOPGATE_LISTEN", "127.0.0.1:" + port)
                .withCopyToContainer(
                        Transferable.of("docker: { enabled: true }\nservices:\n  files: http://127.0.0.1:"
                                + onHost.port() + "\n"),
                        "/etc/loopgate/loopgate.yaml")
                .withFileSystemBind(DockerSupport.socket().toString(), "/var/run/docker.sock")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withGroupAdd(List.of(socketGroup())))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofSeconds(90)));
        gateway.start();
        assertThat(gateway.getLogs()).contains("loopgate listening on http://127.0.0.1:" + port);
        System.out.println(gateway.getLogs()
                .lines()
                .filter(l -> l.contains("ready in"))
                .findFirst()
                .orElse("no banner"));
        assertThat(get("files.localhost").body()).isEqualTo("from the host");
        assertThat(get("admin.localhost").statusCode()).isEqualTo(404);

        int adminPort = freePort();
        labelled = new GenericContainer<>(DockerSupport.JDK_IMAGE)
                .withNetworkMode("host")
                .withLabel("loopgate.service", "admin")
                .withLabel("loopgate.port", String.valueOf(adminPort))
                .withFileSystemBind(
                        DockerSupport.REPO.resolve("docker/examples").toString(), "/app")
                .withCommand("java", "/app/Hello.java", "admin", String.valueOf(adminPort), "127.0.0.1")
                .waitingFor(Wait.forLogMessage(".*listening on.*", 1).withStartupTimeout(Duration.ofSeconds(60)));
        labelled.start();
        dev.loopgate.testing.Wait.until(
                "admin.localhost routed to the labelled container",
                Duration.ofSeconds(20),
                () -> answers("admin.localhost", "hello from admin"),
                gateway::getLogs);
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/services"))
                                        .header("Host", "loopgate.localhost")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .contains("\"name\":\"admin\"")
                .contains("\"source\":\"docker\"")
                .contains("\"id\":\"127.0.0.1:" + adminPort + "\"");

        labelled.stop();
        labelled = null;
        dev.loopgate.testing.Wait.until(
                "the route gone with the container",
                Duration.ofSeconds(10),
                () -> {
                    try {
                        return get("admin.localhost").statusCode() == 404;
                    } catch (Exception e) {
                        return false;
                    }
                },
                gateway::getLogs);
        assertThat(get("files.localhost").statusCode()).isEqualTo(200);
    }

    private static String socketGroup() {
        try {
            return DockerSupport.socketGroup(DockerSupport.socket());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
