package dev.loopgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.Gateway;
import dev.loopgate.StateDir;
import dev.loopgate.testing.TestBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client commands against a real gateway, found the way users find it: through the state directory. */
class CliTest {
    @TempDir
    Path dir;

    private TestBackend backend;
    private Gateway gateway;

    record Result(int code, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.http(TestBackend.text("hi"));
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(config, "services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, 1);
        all[1] = "--state-dir";
        all[2] = dir.resolve("state").toString();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        CommandLine cli =
                LoopgateCommand.commandLine(all).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        return new Result(cli.execute(all), out.toString(), err.toString());
    }

    private Result runAsGiven(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli =
                LoopgateCommand.commandLine(args).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void aCommandBuildsOnlyItsOwnPartOfTheTreeAndHelpListsEveryCommand() {
        assertThat(LoopgateCommand.commandLine("--state-dir", "/tmp/x", "ls", "--json")
                        .getSubcommands()
                        .keySet())
                .containsExactly("ls");
        assertThat(LoopgateCommand.commandLine("help", "serve").getSubcommands().keySet())
                .containsExactlyInAnyOrder("serve", "help");
        int all = LoopgateCommand.commandLine().getSubcommands().size();
        assertThat(all).isGreaterThanOrEqualTo(17);
        for (String[] args : new String[][] {{}, {"--help"}, {"help"}, {"sevre"}}) {
            assertThat(LoopgateCommand.commandLine(args).getSubcommands()).hasSize(all);
        }

        Result help = runAsGiven("help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("serve", "register", "doctor", "trust", "untrust", "restart");
        Result typo = runAsGiven("sevre");
        assertThat(typo.code()).isNotZero();
        assertThat(typo.err()).contains("sevre").contains("serve");
        Result serveHelp = runAsGiven("help", "serve");
        assertThat(serveHelp.out()).contains("Start the gateway.").contains("--port");
    }

    @Test
    void globalOptionsWorkBeforeTheSubcommand() {
        Result ls = runAsGiven("--gateway", "http://127.0.0.1:" + gateway.port(), "ls");
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out()).contains("web      http://web.localhost:" + gateway.port() + "/");

        Result viaState = runAsGiven("--state-dir", dir.resolve("state").toString(), "ls");
        assertThat(viaState.code()).as(viaState.err()).isZero();
        assertThat(viaState.out()).contains("http://web.localhost:" + gateway.port() + "/");

        Result after =
                runAsGiven("--gateway", "http://127.0.0.1:1", "ls", "--gateway", "http://127.0.0.1:" + gateway.port());
        assertThat(after.code())
                .as("the option after the subcommand wins: " + after.err())
                .isZero();
    }

    @Test
    void registerLsAndUnregister() {
        Result reg = run("register", "api", "http://127.0.0.1:" + backend.port(), "--ttl", "30s", "--path", "/api");
        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(reg.out())
                .startsWith("created api/127.0.0.1:" + backend.port() + " -> http://127.0.0.1:")
                .contains("(lease until 20");

        Result ls = run("ls");
        assertThat(ls.code()).isZero();
        assertThat(ls.out())
                .startsWith("SERVICE")
                .contains("web      http://web.localhost:" + gateway.port() + "/")
                .contains("api      http://api.localhost:" + gateway.port() + "/api")
                .containsPattern(" api +(up|unknown) \\(lease until 20");

        Result json = run("ls", "--json");
        assertThat(json.out()).contains("\"services\" : [").contains("\"name\" : \"api\"");

        Result unreg = run("unregister", "api", "--id", "127.0.0.1:" + backend.port());
        assertThat(unreg.code()).isZero();
        assertThat(unreg.out()).isEqualTo("removed api/127.0.0.1:" + backend.port() + "\n");
        assertThat(run("ls").out()).doesNotContain("api.localhost");
    }

    @Test
    void gatewayErrorsAreOneLineNotAStackTrace() {
        Result conflict = run("register", "web", "http://127.0.0.1:1", "--host", "other.localhost");
        assertThat(conflict.code()).isEqualTo(1);
        assertThat(conflict.err())
                .startsWith("loopgate: 409 service 'web' is declared in ")
                .endsWith("(field: hosts)\n")
                .doesNotContain("Exception");
        Result bad = run("register", "api", "http://10.1.2.3:80");
        assertThat(bad.err())
                .isEqualTo("loopgate: 400 '10.1.2.3' is not a loopback address: loopgate forwards only to"
                        + " this machine (localhost, 127.0.0.1 or ::1) (field: url)\n");
        Result missing = run("unregister", "nothing");
        assertThat(missing.err()).startsWith("loopgate: 404 service 'nothing' has no API backends");
    }

    @Test
    void dashboardPrintsALinkThatSignsInOnce() throws Exception {
        Result r = run("dashboard", "--no-open");
        assertThat(r.code()).as(r.err()).isZero();
        String url = r.out()
                .lines()
                .filter(l -> l.startsWith("  http://"))
                .findFirst()
                .orElseThrow()
                .trim();
        assertThat(url).startsWith("http://loopgate.localhost:" + gateway.port() + "/login?code=");
        assertThat(r.out()).contains("works once");
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.IntSupplier open = () -> {
            try {
                return http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(url.replace("loopgate.localhost:", "127.0.0.1:")))
                                        .header("Host", "loopgate.localhost")
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(open.getAsInt()).isEqualTo(303);
        assertThat(open.getAsInt()).isEqualTo(403);
    }

    @Test
    void dashboardOpensABrowserOnlyWhereThereIsOne() {
        assertThat(DashboardCommand.opener(java.util.Map.of("BROWSER", "firefox"), "Linux"))
                .containsExactly("firefox");
        assertThat(DashboardCommand.opener(java.util.Map.of(), "Mac OS X")).containsExactly("open");
        assertThat(DashboardCommand.opener(java.util.Map.of("PATH", "/usr/bin"), "Linux"))
                .as("no display: only the printed link")
                .isNull();
    }

    @Test
    void withoutARunningGatewayTheCommandsSaySo() {
        gateway.close();
        Result ls = run("ls");
        assertThat(ls.code()).isEqualTo(1);
        assertThat(ls.err()).startsWith("loopgate: no gateway is running").contains("loopgate serve");
        gateway = null;
    }

    @Test
    void anExplicitGatewayAddressAndTokenWork() {
        StringWriter out = new StringWriter();
        int code = LoopgateCommand.commandLine()
                .setOut(new PrintWriter(out))
                .execute(
                        "ls",
                        "--gateway",
                        "http://127.0.0.1:" + gateway.port(),
                        "--state-dir",
                        dir.resolve("none").toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("web.localhost");
    }
}
