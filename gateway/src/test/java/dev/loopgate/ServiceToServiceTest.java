package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loopgate.cli.CliRunner;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** *.localhost names for every client: forward-proxy mode, loopgate env, the hosts file and the DNS responder. */
class ServiceToServiceTest {
    @TempDir
    Path dir;

    private TestBackend payments;
    private Gateway gateway;
    private Path hosts;

    @BeforeEach
    void start() throws Exception {
        payments = TestBackend.http((ctx, req) -> TestBackend.send(
                ctx,
                req,
                io.netty.handler.codec.http.HttpResponseStatus.OK,
                "payments saw Host " + req.headers().get("Host")));
        hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n# a line of the user's\n10.0.0.5 printer.lan\n");
        Path config = dir.resolve("loopgate.yaml");
        Files.writeString(
                config,
                """
                services:
                  payments: http://127.0.0.1:%d
                  shop:
                    hosts: [shop.localhost, "*.shop.localhost", myshop.test]
                    port: 1
                hosts_file: { sync: true, path: %s }
                dns: { listen: "127.0.0.1:0" }
                """
                        .formatted(payments.port(), hosts));
        gateway = Gateway.start(
                new Gateway.Options(config, null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        gateway.close();
        payments.close();
    }

    private CliRunner.Result cli(String... args) {
        return CliRunner.run(dir.resolve("state"), args);
    }

    @Test
    void aJavaClientWithLoopgateAsItsProxyReachesANameItsResolverDoesNotKnow() throws Exception {
        // A JVM whose resolver knows no *.localhost name, whatever this machine's does (libnss-myhostname teaches
        // the system resolver those names): its hosts file is empty.
        Path hosts = Files.writeString(dir.resolve("empty-hosts"), "");
        Path client = Files.writeString(
                dir.resolve("ViaProxy.java"),
                """
                import java.net.*;
                import java.net.http.*;
                public class ViaProxy {
                    public static void main(String[] a) throws Exception {
                        try {
                            InetAddress.getByName("payments.localhost");
                            System.out.println("resolver knows payments.localhost");
                        } catch (UnknownHostException e) {
                            System.out.println("resolver does not know payments.localhost");
                        }
                        HttpResponse<String> res = HttpClient.newBuilder()
                                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0]))))
                                .build()
                                .send(HttpRequest.newBuilder(URI.create("http://payments.localhost/charge")).build(),
                                        HttpResponse.BodyHandlers.ofString());
                        System.out.println(res.statusCode() + " " + res.body());
                    }
                }
                """);
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djdk.net.hosts.file=" + hosts,
                        client.toString(),
                        Integer.toString(gateway.port()))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .contains("resolver does not know payments.localhost")
                .contains("200 payments saw Host payments.localhost");
    }

    @Test
    void asAProxyLoopgateRefusesOtherHostsAndConnectsNowhere() throws Exception {
        try (ServerSocket untouched = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            HttpClient viaProxy = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", gateway.port())))
                    .build();
            for (String target : List.of(
                    "http://example.com:" + untouched.getLocalPort() + "/",
                    "http://intranet.corp:" + untouched.getLocalPort() + "/")) {
                HttpResponse<String> res = viaProxy.send(
                        HttpRequest.newBuilder(URI.create(target)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(target).isEqualTo(403);
                assertThat(res.body()).contains("not an open proxy");
            }
            untouched.setSoTimeout(300);
            assertThatThrownBy(untouched::accept)
                    .as("no connection was made anywhere")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void envOutputEvaluatedByBashSetsTheProxyVariables() throws Exception {
        CliRunner.Result env = cli("env");
        assertThat(env.code()).as(env.out()).isZero();
        Path script = dir.resolve("env.sh");
        Files.writeString(script, env.out());
        Process bash = new ProcessBuilder(
                        "bash",
                        "-c",
                        "eval \"$(cat " + script + ")\"; echo \"$HTTP_PROXY|$http_proxy|"
                                + "$NO_PROXY|$JAVA_TOOL_OPTIONS|$NODE_USE_ENV_PROXY\"")
                .redirectErrorStream(true)
                .start();
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String proxy = "http://127.0.0.1:" + gateway.port();
        assertThat(out)
                .isEqualTo(proxy + "|" + proxy + "|127.0.0.1,::1,[::1]|-Dhttp.proxyHost=127.0.0.1"
                        + " -Dhttp.proxyPort=" + gateway.port() + " -Dhttp.nonProxyHosts=localhost|127.*|[::1]|1");
        assertThat(cli("env", "--shell", "fish").out()).contains("set -gx HTTP_PROXY '" + proxy + "';");
        assertThat(cli("env", "--shell", "powershell").out()).contains("$env:HTTP_PROXY = \"" + proxy + "\"");
        assertThat(cli("env", "--shell", "cmd").code()).isEqualTo(1);
    }

    @Test
    void inAShellThatEvaluatedEnvLocalhostPortsStillReachTheirServerAndNamesGoThroughLoopgate() throws Exception {
        try (TestBackend devServer = TestBackend.http((ctx, req) -> TestBackend.send(
                ctx,
                req,
                io.netty.handler.codec.http.HttpResponseStatus.OK,
                "dev server saw Host " + req.headers().get("Host") + " via "
                        + req.headers().get("Via")))) {
            CliRunner.Result env = cli("env");
            assertThat(env.code()).as(env.out()).isZero();
            String direct = "http://localhost:" + devServer.port() + "/";
            String named = "http://payments.localhost/charge";
            Path script = dir.resolve("clients.sh");
            Files.writeString(script, env.out() + dev.loopgate.testing.ProxyClients.script(dir, direct, named));
            Process bash = new ProcessBuilder("bash", script.toString())
                    .redirectErrorStream(true)
                    .start();
            assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String host = "dev server saw Host localhost:" + devServer.port();
            assertThat(out)
                    .contains("curl " + direct + " -> " + host + " via ")
                    .contains("python " + direct + " -> " + host + " via ")
                    .as("Java's nonProxyHosts can name localhost exactly, so it goes direct")
                    .contains("java " + direct + " -> " + host + " via null")
                    .contains("curl " + named + " -> payments saw Host payments.localhost")
                    .contains("python " + named + " -> payments saw Host payments.localhost")
                    .contains("java " + named + " -> payments saw Host payments.localhost");
        }
    }

    @Test
    void theHostsFileBlockFollowsTheRoutesAndLeavesOtherLinesAlone() throws Exception {
        String initial = Files.readString(hosts);
        assertThat(initial)
                .startsWith("127.0.0.1 localhost\n# a line of the user's\n10.0.0.5 printer.lan\n")
                .contains("127.0.0.1 payments.localhost\n::1 payments.localhost\n")
                .contains("127.0.0.1 myshop.test")
                .contains("127.0.0.1 loopgate.localhost")
                .doesNotContain("*.shop.localhost");
        HttpResponse<String> reg = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + gateway.port() + "/api/v1/services/orders/backends/o1"))
                                .header("Host", "loopgate.localhost")
                                .header(
                                        "Authorization",
                                        "Bearer " + gateway.token().value())
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:1\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(reg.statusCode()).isEqualTo(201);
        Wait.until("the registration to reach the hosts file", Duration.ofSeconds(5), () -> read(hosts)
                .contains("127.0.0.1 orders.localhost"));

        Path other = dir.resolve("other-hosts");
        Files.writeString(other, "# mine\n");
        CliRunner.Result sync = cli("hosts", "sync", "--file", other.toString());
        assertThat(sync.out())
                .contains("wrote")
                .contains("not written (a hosts file cannot hold wildcards):" + " *.shop.localhost");
        assertThat(cli("hosts", "sync", "--file", other.toString()).out()).startsWith("already up to date");
        assertThat(read(other)).startsWith("# mine\n# >>> loopgate").contains("::1 orders.localhost");
        assertThat(cli("hosts", "clean", "--file", other.toString()).out()).startsWith("removed");
        assertThat(read(other)).isEqualTo("# mine\n");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static DnsNameResolver resolver(EventLoopGroup group, InetSocketAddress dns, ResolvedAddressTypes types) {
        return new DnsNameResolverBuilder(group.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(dns))
                .resolvedAddressTypes(types)
                .recursionDesired(false)
                .queryTimeoutMillis(2000)
                .maxQueriesPerResolve(1)
                .build();
    }

    @Test
    void theDnsResponderAnswersLocalNamesRefusesOthersAndSurvivesGarbage() throws Exception {
        InetSocketAddress dns = gateway.dns().address();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (DatagramSocket garbage = new DatagramSocket()) {
            DnsNameResolver v4 = resolver(group, dns, ResolvedAddressTypes.IPV4_ONLY);
            DnsNameResolver v6 = resolver(group, dns, ResolvedAddressTypes.IPV6_ONLY);
            try {
                assertThat(v4.resolve("web.localhost").get(5, TimeUnit.SECONDS).getHostAddress())
                        .isEqualTo("127.0.0.1");
                assertThat(v6.resolve("web.localhost").get(5, TimeUnit.SECONDS).getHostAddress())
                        .isEqualTo("0:0:0:0:0:0:0:1");
                assertThat(v4.resolve("myshop.test").get(5, TimeUnit.SECONDS).getHostAddress())
                        .isEqualTo("127.0.0.1");
                assertThatThrownBy(() -> v4.resolve("example.com").get(5, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(UnknownHostException.class);

                byte[] junk = {1, 2, 3, 4, 5, (byte) 0xff, 0, 0, 0, 9};
                garbage.send(new DatagramPacket(junk, junk.length, dns));
                assertThat(v4.resolve("after.localhost")
                                .get(5, TimeUnit.SECONDS)
                                .getHostAddress())
                        .as("still answering after a malformed packet")
                        .isEqualTo("127.0.0.1");
            } finally {
                v4.close();
                v6.close();
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
