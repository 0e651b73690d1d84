package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases, restarts and the state directory, with a whole gateway as {@code loopgate serve} assembles it. */
class RegistryLifecycleTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private TestBackend backend;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("registered"));
        gateway = startGateway();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    private Gateway startGateway() throws Exception {
        return Gateway.start(new Gateway.Options(null, null, 0, new StateDir(dir), Duration.ofMillis(200)));
    }

    private HttpResponse<String> send(String method, String host, String path, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Host", host)
                        .header("Authorization", "Bearer " + gateway.token().value())
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(String host) throws Exception {
        return send("GET", host, "/", null).statusCode();
    }

    @Test
    void aLeaseThatIsNotRenewedRemovesTheRoute() throws Exception {
        assertThat(send(
                                "PUT",
                                "loopgate.localhost",
                                "/api/v1/services/api/backends/a",
                                "{\"url\": \"http://127.0.0.1:" + backend.port() + "\", \"ttl\": \"1s\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(status("api.localhost")).isEqualTo(200);
        long start = System.nanoTime();
        Wait.until("the lease to run out", Duration.ofSeconds(5), () -> {
            try {
                return status("api.localhost") == 404;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(gateway.registry().registrations()).isEmpty();
    }

    @Test
    void removingABackendClosesItsIdlePooledConnections() throws Exception {
        String authority = "127.0.0.1:" + backend.port();
        send("PUT", "loopgate.localhost", "/api/v1/services/api/backends/a", "{\"url\": \"http://" + authority + "\"}");
        assertThat(status("api.localhost")).isEqualTo(200);
        Wait.until(
                "the connection to be pooled",
                Duration.ofSeconds(5),
                () -> gateway.server().idleBackendConnections(authority) == 1);
        assertThat(send("DELETE", "loopgate.localhost", "/api/v1/services/api/backends/a", null)
                        .statusCode())
                .isEqualTo(204);
        Wait.until(
                "the pooled connection to be closed",
                Duration.ofSeconds(5),
                () -> gateway.server().idleBackendConnections(authority) == 0);
    }

    @Test
    void registrationsSurviveARestart() throws Exception {
        send(
                "PUT",
                "loopgate.localhost",
                "/api/v1/services/api/backends/a",
                "{\"url\": \"http://127.0.0.1:" + backend.port() + "\", \"paths\": [\"/v1\"]}");
        send(
                "PUT",
                "loopgate.localhost",
                "/api/v1/services/short/backends/s",
                "{\"url\": \"http://127.0.0.1:" + backend.port() + "\", \"ttl\": \"1s\"}");
        gateway.close();
        Wait.until(
                "the short lease to lapse while the gateway is down",
                Duration.ofSeconds(5),
                () -> Files.exists(dir.resolve("registrations.json")) && lapsed());
        gateway = startGateway();
        assertThat(send("GET", "api.localhost", "/v1/x", null).body()).isEqualTo("registered");
        assertThat(status("short.localhost")).as("expired while down").isEqualTo(404);
    }

    private boolean lapsed() {
        try {
            String json = Files.readString(dir.resolve("registrations.json"));
            int at = json.indexOf("\"expires_at\" : \"");
            return at > 0
                    && java.time.Instant.parse(json.substring(at + 16, json.indexOf('"', at + 16)))
                            .isBefore(java.time.Instant.now());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final String VALID_ENTRY = "{\"service\": \"api\", \"id\": \"a\", \"url\": \"http://127.0.0.1:1\","
            + " \"hosts\": [\"api.localhost\"], \"paths\": [\"/\"], \"strip_prefix\": false, \"health\": {\"path\": \"\","
            + " \"interval\": \"2s\", \"timeout\": \"1s\"}, \"ttl\": \"30s\", \"expires_at\": \"EXPIRES\"}";

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"not json", "bad date", "not utf-8"})
    void aCorruptStateFileIsMovedAsideAndTheGatewayStartsAnyway(String kind) throws Exception {
        gateway.close();
        byte[] corrupt =
                switch (kind) {
                    case "not json" -> "{ this is not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    case "bad date" -> ("{\"registrations\": [" + VALID_ENTRY.replace("EXPIRES", "not-a-date") + "]}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    default -> {
                        byte[] valid = ("{\"registrations\": [" + VALID_ENTRY.replace("EXPIRES", "2999-01-01T00:00:00Z")
                                        + "]}")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        // One byte inside a string: the JSON is intact, the text is not UTF-8.
                        valid[
                                        new String(valid, java.nio.charset.StandardCharsets.ISO_8859_1)
                                                        .indexOf("api.localhost")
                                                + 1] =
                                (byte) 0xff;
                        yield valid;
                    }
                };
        Files.write(dir.resolve("registrations.json"), corrupt);
        gateway = startGateway();
        assertThat(status("loopgate.localhost")).isEqualTo(200);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("registrations.json.corrupt-"));
        }
        assertThat(send(
                                "PUT",
                                "loopgate.localhost",
                                "/api/v1/services/api/backends/a",
                                "{\"url\": \"http://127.0.0.1:" + backend.port() + "\"}")
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenGets503AndMemoryAndDiskAgree() throws Exception {
        String url = "{\"url\": \"http://127.0.0.1:" + backend.port() + "\"}";
        assertThat(send("PUT", "loopgate.localhost", "/api/v1/services/api/backends/a", url)
                        .statusCode())
                .isEqualTo(201);
        // A directory where the save writes its temporary file: every save now fails, as on a read-only or full
        // disk (root, which runs CI, writes through a read-only mode, so a mode would not show it).
        Path tmp = dir.resolve("registrations.json.tmp");
        Files.createDirectories(tmp.resolve("blocker"));

        HttpResponse<String> put = send("PUT", "loopgate.localhost", "/api/v1/services/web/backends/b", url);
        assertThat(put.statusCode()).isEqualTo(503);
        assertThat(put.body()).contains("cannot save the registrations").contains("nothing was changed");
        assertThat(status("web.localhost")).as("not routed either").isEqualTo(404);

        HttpResponse<String> delete = send("DELETE", "loopgate.localhost", "/api/v1/services/api/backends/a", null);
        assertThat(delete.statusCode()).isEqualTo(503);
        assertThat(status("api.localhost")).as("still routed, as still saved").isEqualTo(200);

        Files.delete(tmp.resolve("blocker"));
        Files.delete(tmp);
        gateway.close();
        gateway = startGateway();
        assertThat(status("api.localhost"))
                .as("what the API said stands after a restart")
                .isEqualTo(200);
        assertThat(status("web.localhost")).isEqualTo(404);
    }

    @Test
    void aTokenFileOthersCanReadIsMadePrivate() throws Exception {
        gateway.close();
        Path token = dir.resolve("token");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        String before = Files.readString(token).trim();
        gateway = startGateway();
        assertThat(Files.getPosixFilePermissions(token)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(gateway.token().value()).isEqualTo(before);
    }

    @Test
    void theTokenFileIsCreatedReadableOnlyByItsOwner() throws Exception {
        Path token = dir.resolve("token");
        assertThat(Files.getPosixFilePermissions(token)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(token).trim())
                .isEqualTo(gateway.token().value())
                .hasSizeGreaterThan(30);
    }
}
