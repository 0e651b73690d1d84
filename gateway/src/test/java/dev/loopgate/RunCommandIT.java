package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loopgate run} with a real child: a one-file Java HTTP server that takes its port from {@code {port}}, answers
 * "from run", and exits with status 7 on {@code GET /quit}.
 */
class RunCommandIT {
    private static final String SERVER =
            """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            public class Server {
                public static void main(String[] args) throws Exception {
                    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
                    s.createContext("/", x -> {
                        byte[] body = ("from run, PORT=" + System.getenv("PORT") + ", HTTP_PROXY="
                                + System.getenv("HTTP_PROXY")).getBytes();
                        x.sendResponseHeaders(200, body.length);
                        x.getResponseBody().write(body);
                        x.close();
                        if (x.getRequestURI().getPath().equals("/quit")) {
                            new Thread(() -> System.exit(7)).start();
                        }
                    });
                    s.start();
                    System.out.println("child listening on " + args[0]);
                }
            }
            """;

    @TempDir
    Path dir;

    private Gateway gateway;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("Server.java"), SERVER);
        gateway = Gateway.start(
                new Gateway.Options(null, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private GatewayProcess run(String... extra) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("run", "web", "--state-dir", dir.resolve("state").toString(), "--ttl", "3s"));
        args.addAll(List.of(extra));
        args.addAll(List.of(
                "--",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                dir.resolve("Server.java").toString(),
                "{port}"));
        return GatewayProcess.start(List.of(), args.toArray(String[]::new));
    }

    private HttpResponse<String> get(String path) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                            .header("Host", "web.localhost")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theChildIsReachableWhileItRunsAndGoneAfterwardsWithItsExitStatus() throws Exception {
        try (GatewayProcess p = run()) {
            Wait.until(
                    "web.localhost to reach the child; output:\n" + p.stdout() + p.stderr(),
                    Duration.ofSeconds(30),
                    () -> get("/").statusCode() == 200);
            String body = get("/").body();
            assertThat(body)
                    .startsWith("from run, PORT=")
                    .as("the child can call its neighbours by *.localhost name through the gateway")
                    .endsWith(", HTTP_PROXY=http://127.0.0.1:" + gateway.port());
            assertThat(p.stdout()).as("the child's output passes through").contains("child listening on");
            assertThat(p.stderr()).contains("web is routed: http://web.localhost:" + gateway.port() + "/");

            assertThat(get("/quit").statusCode()).isEqualTo(200);
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(7);
            assertThat(get("/").statusCode())
                    .as("deregistered when the child exits")
                    .isEqualTo(404);
        }
    }

    @Test
    void theChildReachesLocalhostPortsDirectlyAndNamesThroughTheGateway() throws Exception {
        try (dev.loopgate.testing.TestBackend devServer = dev.loopgate.testing.TestBackend.http(
                        dev.loopgate.testing.TestBackend.text("other dev server"));
                dev.loopgate.testing.TestBackend web =
                        dev.loopgate.testing.TestBackend.http(dev.loopgate.testing.TestBackend.text("web by name"))) {
            assertThat(client.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                                                    + "/api/v1/services/named/backends/one"))
                                            .header("Host", "loopgate.localhost")
                                            .header(
                                                    "Authorization",
                                                    "Bearer " + gateway.token().value())
                                            .PUT(HttpRequest.BodyPublishers.ofString(
                                                    "{\"url\": \"http://127.0.0.1:" + web.port() + "\"}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(201);
            String direct = "http://localhost:" + devServer.port() + "/";
            String named = "http://named.localhost/";
            Files.writeString(dir.resolve("clients.sh"), dev.loopgate.testing.ProxyClients.script(dir, direct, named));
            try (GatewayProcess p = GatewayProcess.start(
                    List.of(),
                    "run",
                    "probe",
                    "--state-dir",
                    dir.resolve("state").toString(),
                    "--",
                    "bash",
                    dir.resolve("clients.sh").toString())) {
                assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
                for (String client : new String[] {"curl", "python", "java"}) {
                    assertThat(p.stdout())
                            .contains(client + " " + direct + " -> other dev server")
                            .contains(client + " " + named + " -> web by name");
                }
            }
        }
    }

    @Test
    void sigtermIsForwardedToTheChild() throws Exception {
        try (GatewayProcess p = run("--no-proxy-env")) {
            Wait.until("web.localhost to reach the child", Duration.ofSeconds(30), () -> get("/").statusCode() == 200);
            assertThat(get("/").body()).endsWith(", HTTP_PROXY=null");
            p.terminate();
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(get("/").statusCode()).isEqualTo(404);
        }
    }

    /** A wrapper that backgrounds a real server, as npm, npx and shell scripts do. */
    private GatewayProcess runWrapper(String script) throws Exception {
        return GatewayProcess.start(
                List.of(),
                "run",
                "web",
                "--state-dir",
                dir.resolve("state").toString(),
                "--ttl",
                "3s",
                "--no-proxy-env",
                "--",
                "bash",
                "-c",
                script);
    }

    private int registeredPort() throws Exception {
        String services = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/services"))
                                .header("Host", "loopgate.localhost")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"url\":\"http://localhost:(\\d+)\"")
                .matcher(services);
        assertThat(m.find()).as(services).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void sigtermStopsTheWholeProcessGroupOfAWrapper() throws Exception {
        try (GatewayProcess p = runWrapper("python3 -m http.server {port} --bind 127.0.0.1 & wait")) {
            Wait.until(
                    "the backgrounded server to answer through the gateway",
                    Duration.ofSeconds(30),
                    () -> get("/").statusCode() == 200,
                    () -> p.stdout() + p.stderr());
            int port = registeredPort();
            assertThat(port).as("run picks below the ephemeral range").isLessThan(32768);
            assertThat(Local.listening(port)).isTrue();
            p.terminate();
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(Local.listening(port))
                    .as("the server the wrapper started is gone with it")
                    .isFalse();
        }
    }

    @Test
    void whenTheWrapperExitsWhatItLeftBehindIsStoppedToo() throws Exception {
        try (GatewayProcess p = runWrapper("python3 -m http.server {port} --bind 127.0.0.1 >/dev/null 2>&1 &"
                + " for i in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.05; done;"
                + " echo \"server up on {port}\"; exit 3")) {
            assertThat(p.awaitExit(Duration.ofSeconds(40))).isEqualTo(3);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("server up on (\\d+)").matcher(p.stdout());
            assertThat(m.find()).as(p.stdout() + p.stderr()).isTrue();
            assertThat(Local.listening(Integer.parseInt(m.group(1))))
                    .as("nothing listens after run exits")
                    .isFalse();
        }
    }

    @Test
    void withoutAGatewayTheCommandStillRunsAndIsRegisteredWhenOneAppears() throws Exception {
        gateway.close();
        try (GatewayProcess p = run()) {
            Wait.until("the child to start", Duration.ofSeconds(30), () -> p.stdout()
                    .contains("child listening on"));
            Wait.until("the warning", Duration.ofSeconds(10), () -> p.stderr().contains("no gateway is running"));
            gateway = Gateway.start(
                    new Gateway.Options(null, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
            Wait.until("the late registration", Duration.ofSeconds(15), () -> get("/").statusCode() == 200);
            p.terminate();
            p.awaitExit(Duration.ofSeconds(20));
        }
    }
}
