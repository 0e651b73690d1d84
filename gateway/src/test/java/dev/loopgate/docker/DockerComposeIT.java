package dev.loopgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.DockerSupport;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.yaml, the file users start from, run on a real Engine with docker-compose: loopgate is the entry
 * point and reaches a labelled service, one with two names, one named only in its config file, one that registers
 * itself through the API, and a dev server on the host through host.docker.internal. docker/compose.test.yaml
 * switches every service to host networking on its own loopback port (see its header).
 */
@Tag("docker")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DockerComposeIT {
    private static final String PROJECT = "loopgate-it";
    private static final String TOKEN = "compose-test-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> env = new HashMap<>();
    private Path merged;
    private TestBackend onHost;
    private int port;

    @BeforeEach
    void requireEngine() {
        DockerSupport.requireEngine();
        boolean compose = List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "docker-compose")));
        if (!compose && System.getenv("LOOPGATE_REQUIRE_DOCKER") != null) {
            throw new AssertionError("docker-compose is not installed (.ci/run installs Debian's docker-compose)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(compose, "skipped: docker-compose is not installed");
    }

    @AfterEach
    void down() throws Exception {
        if (merged != null) {
            compose(List.of("-p", PROJECT, "-f", merged.toString(), "down", "--timeout", "2"));
        }
        if (onHost != null) {
            onHost.close();
        }
    }

    private String compose(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(DockerSupport.REPO.resolve("docker").toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("docker-compose " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private String body(String host) {
        try {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .header("Host", host)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return res.statusCode() + " " + res.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void composeStartsLoopgateInFrontOfEveryKindOfService() throws Exception {
        onHost = TestBackend.http(TestBackend.text("vite on the host"));
        port = DockerIT.freePort();
        int docs = DockerIT.freePort();
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config,
                "docker: { enabled: true }\nservices:\n  docs: http://127.0.0.1:" + docs + "\n"
                        + "  vite: http://host.docker.internal:" + onHost.port() + "\n");
        int hello = DockerIT.freePort();
        env.putAll(Map.of(
                "LOOPGATE_IMAGE", DockerSupport.loopgateImage(),
                "JDK_IMAGE", DockerSupport.JDK_IMAGE,
                "LOOPGATE_PORT", String.valueOf(port),
                "LOOPGATE_TEST_CONFIG", config.toString(),
                "DOCKER_SOCKET", DockerSupport.socket().toString(),
                "DOCKER_GID", DockerSupport.socketGroup(DockerSupport.socket()),
                "LOOPGATE_TOKEN", TOKEN,
                "BIND", "127.0.0.1"));
        env.putAll(Map.of(
                "WEB_PORT", String.valueOf(DockerIT.freePort()),
                "API_PORT", String.valueOf(DockerIT.freePort()),
                "DOCS_PORT", String.valueOf(docs),
                "HELLO_PORT", String.valueOf(hello),
                "HELLO_URL", "http://127.0.0.1:" + hello,
                "GATEWAY_HOST", "127.0.0.1",
                "GATEWAY_PORT", String.valueOf(port)));
        String config2 = compose(List.of("-f", "compose.yaml", "-f", "compose.test.yaml", "config"));
        Map<String, Object> project = new Yaml().load(config2);
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) project.get("services");
        assertThat(services).containsOnlyKeys("loopgate", "web", "api", "docs", "hello");
        assertThat((List<String>) services.get("loopgate").get("ports"))
                .as("the user-facing file publishes on loopback only")
                .allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
        services.values().forEach(s -> s.remove("ports"));
        merged = dir.resolve("compose.merged.yaml");
        Files.writeString(merged, new Yaml().dump(project));
        compose(List.of("-p", PROJECT, "-f", merged.toString(), "up", "-d", "--no-build"));

        String logs = "docker-compose logs";
        for (String[] expect : new String[][] {
            {"web.localhost", "hello from web"},
            {"api.localhost", "hello from api"},
            {"v2.api.localhost", "hello from api"},
            {"docs.localhost", "hello from docs"},
            {"hello.localhost", "hello from hello"},
            {"vite.localhost", "vite on the host"}
        }) {
            Wait.until(
                    expect[0] + " through loopgate",
                    Duration.ofSeconds(60),
                    () -> body(expect[0]).equals("200 " + expect[1] + (expect[0].startsWith("vite") ? "" : "\n")),
                    () -> {
                        try {
                            return logs + ":\n"
                                    + compose(List.of("-p", PROJECT, "-f", merged.toString(), "logs", "--tail", "30"));
                        } catch (Exception e) {
                            return e.toString();
                        }
                    });
        }
        assertThat(compose(List.of("-p", PROJECT, "-f", merged.toString(), "ps")))
                .contains("healthy");
    }
}
