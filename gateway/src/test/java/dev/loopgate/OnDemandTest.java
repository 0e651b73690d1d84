package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.cli.CliRunner;
import dev.loopgate.testing.Local;
import dev.loopgate.testing.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services whose dev server loopgate runs: real commands (Python's http.server, shells that crash or wrap a server)
 * started by the first request, shown while they start, restarted, stopped when idle, and never left behind.
 */
class OnDemandTest {
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

    private void gateway(String service) throws Exception {
        Files.writeString(dir.resolve("index.html"), "hello from web\n");
        Files.writeString(
                dir.resolve("loopgate.yaml"),
                "services:\n  web:\n" + service.stripIndent().indent(4));
        gateway = Gateway.start(new Gateway.Options(
                dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(100)));
    }

    private static final String SERVER = "exec python3 -m http.server {port} --bind 127.0.0.1";

    private HttpResponse<String> get(String host, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Host", host)
                .timeout(Duration.ofSeconds(30));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        String token = Files.readString(dir.resolve("state/token")).trim();
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Host", "loopgate.localhost")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode process() throws Exception {
        JsonNode services = Json.mapper()
                .readTree(get("loopgate.localhost", "/api/v1/services", null).body());
        return services.path("services").get(0).path("process");
    }

    private String state() {
        try {
            return process().path("state").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFirstRequestStartsTheCommandAndGetsItsAnswer() throws Exception {
        gateway("command: " + SERVER + "\n");
        assertThat(state()).isEqualTo("stopped");

        HttpResponse<String> res = get("web.localhost", "/index.html", null);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("hello from web\n");
        JsonNode p = process();
        assertThat(p.path("state").asText()).isEqualTo("running");
        assertThat(p.path("pid").asLong()).isPositive();
        assertThat(p.path("command").asText())
                .contains("http.server " + p.path("port").asInt());
        assertThat(p.path("port").asInt()).isBetween(10000, 65535);
    }

    @Test
    void aSlowStartMakesClientsWaitWhileBrowsersSeeTheStartingPageWithItsOutput() throws Exception {
        gateway("command: echo compiling; sleep 2; " + SERVER + "\nready: { timeout: 20s }\n");

        HttpResponse<String> page = get("web.localhost", "/", "text/html");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("Starting web…").contains("<pre id=\"output\"");
        assertThat(page.body()).contains("/api/v1/events?service=web");

        HttpResponse<String> waited = get("web.localhost", "/index.html", null);
        assertThat(waited.statusCode()).isEqualTo(200);
        assertThat(waited.body()).isEqualTo("hello from web\n");
        List<String> logged = logLines();
        assertThat(logged).contains("compiling");
    }

    private List<String> logLines() throws Exception {
        JsonNode logs = Json.mapper()
                .readTree(get("loopgate.localhost", "/api/v1/services/web/logs?n=50", null)
                        .body());
        return java.util.stream.StreamSupport.stream(logs.path("lines").spliterator(), false)
                .map(l -> l.path("text").asText())
                .toList();
    }

    @Test
    void aCrashShowsTheExitStatusAndOutputAndIsRestartedAfterABackoff() throws Exception {
        gateway("command: \"echo 'Error: Cannot find module vite' >&2; exit 3\"\nrestart: on-failure\n");

        HttpResponse<String> res = get("web.localhost", "/", null);

        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).contains("exited with status 3").contains("Error: Cannot find module vite");
        Wait.until("a restart after the backoff", Duration.ofSeconds(10), () -> {
            try {
                return process().path("restarts").asInt() >= 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(process().path("exit_code").asInt()).isEqualTo(3);
    }

    @Test
    void anIdleCommandIsStoppedAndTheNextRequestStartsItAgain() throws Exception {
        gateway("command: " + SERVER + "\nidle_stop: 1s\n");
        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);
        int port = process().path("port").asInt();

        Wait.until("the idle command to stop", Duration.ofSeconds(10), () -> state().equals("stopped"));
        assertThat(Local.listening(port)).isFalse();

        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);
        assertThat(state()).isEqualTo("running");
        assertThat(process().path("port").asInt()).isEqualTo(port);
    }

    @Test
    void stoppingAWrapperStopsWhatItStartedToo() throws Exception {
        gateway("command: python3 -m http.server {port} --bind 127.0.0.1 & wait\n");
        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);
        List<ProcessHandle> started = startedProcesses();
        assertThat(started).hasSizeGreaterThanOrEqualTo(2); // the shell and its python3

        assertThat(post("/api/v1/services/web/stop").statusCode()).isEqualTo(202);

        Wait.until("the shell and the server to be gone", Duration.ofSeconds(10), () -> started.stream()
                .noneMatch(ProcessHandle::isAlive));
        Wait.until("the command to show as stopped", Duration.ofSeconds(5), () -> state().equals("stopped"));
    }

    @Test
    void closingTheGatewayStopsEverythingItStarted() throws Exception {
        gateway("command: python3 -m http.server {port} --bind 127.0.0.1 & wait\nautostart: true\n");
        Wait.until("the autostarted command to run", Duration.ofSeconds(10), () -> state().equals("running"));
        List<ProcessHandle> started = startedProcesses();

        gateway.close();
        gateway = null;

        assertThat(started).noneMatch(ProcessHandle::isAlive);
        assertThat(dir.resolve("state/processes.json"))
                .as("nothing left to stop")
                .doesNotExist();
    }

    @Test
    void changingTheCommandInTheFileRestartsIt() throws Exception {
        gateway("command: echo first; " + SERVER + "\n");
        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);
        long pid = process().path("pid").asLong();

        Files.writeString(
                dir.resolve("loopgate.yaml"), "services:\n  web:\n    command: echo second; " + SERVER + "\n");

        Wait.until("the new command to run", Duration.ofSeconds(15), () -> {
            try {
                return process().path("pid").asLong() != pid && logLines().contains("second");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    @Test
    void removingTheServiceFromTheFileStopsItsCommand() throws Exception {
        gateway("command: python3 -m http.server {port} --bind 127.0.0.1 & wait\n");
        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);
        List<ProcessHandle> started = startedProcesses();

        Files.writeString(dir.resolve("loopgate.yaml"), "services:\n  api: 9\n");

        Wait.until("the removed service's command to stop", Duration.ofSeconds(15), () -> started.stream()
                .noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void theLogsEndpointGivesTheOutputInOrderAndWhatFollowsASequenceNumber() throws Exception {
        gateway("command: for i in 1 2 3; do echo line $i; done; " + SERVER + "\n");
        assertThat(get("web.localhost", "/index.html", null).statusCode()).isEqualTo(200);

        assertThat(logLines()).containsSubsequence("line 1", "line 2", "line 3");
        JsonNode two = Json.mapper()
                .readTree(get("loopgate.localhost", "/api/v1/services/web/logs?n=2", null)
                        .body());
        assertThat(two.path("lines")).hasSize(2);
        long next = two.path("next").asLong();
        JsonNode after = Json.mapper()
                .readTree(get("loopgate.localhost", "/api/v1/services/web/logs?after=" + next, null)
                        .body());
        assertThat(after.path("lines")).isEmpty();
        assertThat(get("loopgate.localhost", "/api/v1/services/nope/logs", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theCliStartsStopsAndFollowsTheCommand() throws Exception {
        gateway("command: echo hello; " + SERVER + "\n");
        Path state = dir.resolve("state");

        CliRunner.Result start = CliRunner.run(state, "start", "web");
        assertThat(start.code()).as(start.out()).isZero();
        assertThat(start.out()).contains("starting web (was stopped");
        Wait.until("the command to run", Duration.ofSeconds(10), () -> state().equals("running"));
        assertThat(CliRunner.run(state, "ls").out()).containsPattern("web .* \\(command running, pid \\d+\\)");
        assertThat(CliRunner.run(state, "logs", "web").out()).contains("hello");

        java.io.StringWriter followed = new java.io.StringWriter();
        Thread follower = new Thread(() -> dev.loopgate.cli.LoopgateCommand.commandLine()
                .setOut(new java.io.PrintWriter(followed))
                .setErr(new java.io.PrintWriter(followed))
                .execute("logs", "--state-dir", state.toString(), "web", "-f", "-n", "1"));
        follower.start();
        try {
            Wait.until("-f to print the last line", Duration.ofSeconds(10), () -> !followed.toString()
                    .isEmpty());
            assertThat(CliRunner.run(state, "restart", "web").code()).isZero();
            Wait.until("-f to print the restart", Duration.ofSeconds(10), () -> followed.toString()
                    .contains("[loopgate] stopping (loopgate restart)"));
            Wait.until("-f to print the new output", Duration.ofSeconds(10), () -> followed.toString()
                    .contains("hello"));
        } finally {
            follower.interrupt();
            follower.join(5000);
        }
        assertThat(CliRunner.run(state, "stop", "web").code()).isZero();
        Wait.until("the command to stop", Duration.ofSeconds(10), () -> state().equals("stopped"));
        CliRunner.Result notOurs = CliRunner.run(state, "logs", "nope");
        assertThat(notOurs.code()).isNotZero();
        assertThat(notOurs.out()).contains("404 no service 'nope' is routed");
    }

    @Test
    void doctorExplainsACommandThatIsNotFoundOneThatListensOnAnotherPortAndOneThatExits() throws Exception {
        Files.writeString(
                dir.resolve("loopgate.yaml"),
                """
                services:
                  web:
                    command: no-such-dev-server --port {port}
                    autostart: true
                    restart: no
                  api:
                    command: exec python3 -u -m http.server 0 --bind 127.0.0.1
                    autostart: true
                    ready: { timeout: 1s }
                  jobs:
                    command: "echo 'config.yml: no such file' >&2; exit 3"
                    autostart: true
                    restart: no
                """);
        gateway = Gateway.start(new Gateway.Options(
                dir.resolve("loopgate.yaml"), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(100)));
        Wait.until("both commands to show their problem", Duration.ofSeconds(15), () -> {
            try {
                JsonNode services = Json.mapper()
                        .readTree(get("loopgate.localhost", "/api/v1/services", null)
                                .body())
                        .path("services");
                // On a busy machine Python may pass the 1 s readiness limit before it listens: wait for its line.
                return services.get(0).path("process").path("problem").isTextual()
                        && services.get(1).path("process").path("problem").isTextual()
                        && services.get(2).path("process").path("problem").isTextual()
                        && get("loopgate.localhost", "/api/v1/services/api/logs?n=50", null)
                                .body()
                                .contains("Serving HTTP on 127.0.0.1 port");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        CliRunner.Result doctor = CliRunner.run(dir.resolve("state"), "doctor");

        assertThat(doctor.code()).isNotZero();
        assertThat(doctor.out())
                .containsPattern("FAIL  command web: `no-such-dev-server --port \\d+` exited with status 127: the"
                        + " program was not found")
                .containsPattern("FAIL  command api: it listens on 127\\.0\\.0\\.1:\\d+, not on port \\d+ that"
                        + " loopgate gave it")
                .contains("fix: make the command use {port}")
                .contains("FAIL  command jobs: `echo 'config.yml: no such file' >&2; exit 3` exited with status 3 — its"
                        + " last line: config.yml: no such file");
    }

    /** The command's process and everything it started, while they run. */
    private List<ProcessHandle> startedProcesses() throws Exception {
        ProcessHandle leader = ProcessHandle.of(process().path("pid").asLong()).orElseThrow();
        List<ProcessHandle> all = new java.util.ArrayList<>(leader.descendants().toList());
        all.add(leader);
        return all;
    }
}
