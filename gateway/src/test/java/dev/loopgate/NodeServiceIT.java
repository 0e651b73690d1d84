package dev.loopgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayProcess;
import dev.loopgate.testing.NodeTools;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java service and a Node service call each other by {@code *.localhost} name through loopgate, set up the way
 * docs/service-to-service.md says: the Node service runs under {@code loopgate run}, which gives it HTTP_PROXY (the
 * gateway's address), and dials {@code *.localhost} origins at the gateway through an undici connector.
 */
class NodeServiceIT {
    private static final Path NODE_DIR = Paths.get("target", "node-it");
    private static final String SERVICE =
            """
            // The recipe of docs/service-to-service.md: *.localhost origins are dialled at the gateway.
            const { Agent, setGlobalDispatcher, buildConnector, fetch } = require('undici');
            const net = require('net');
            const gateway = new URL(process.env.HTTP_PROXY);
            const direct = buildConnector({});
            setGlobalDispatcher(new Agent({
              connect(opts, callback) {
                if (!opts.hostname.endsWith('.localhost')) return direct(opts, callback);
                const socket = net.connect(Number(gateway.port || 80), gateway.hostname);
                socket.once('connect', () => callback(null, socket)).once('error', (e) => callback(e, null));
                return socket;
              },
            }));
            const http = require('http');
            http.createServer(async (req, res) => {
              try {
                const answer = await fetch('http://payments.localhost/from-node');
                res.end('orders (node) got: ' + await answer.text());
              } catch (e) {
                res.statusCode = 500;
                res.end(String(e));
              }
            }).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('orders listening'));
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void installUndici() throws Exception {
        NodeTools.assumeNode();
        NodeTools.install(NODE_DIR, "undici", "undici@6");
    }

    @Test
    void javaCallsNodeAndNodeCallsJavaByName() throws Exception {
        Files.writeString(dir.resolve("orders.js"), SERVICE);
        try (TestBackend payments = TestBackend.http((ctx, req) -> TestBackend.send(
                        ctx,
                        req,
                        io.netty.handler.codec.http.HttpResponseStatus.OK,
                        "payments (java) saw " + req.uri()));
                Gateway gateway = Gateway.start(new Gateway.Options(
                        config(payments), null, 0, new StateDir(dir.resolve("state")), Duration.ofMillis(200)));
                GatewayProcess orders = GatewayProcess.startWith(
                        Map.of(
                                "NODE_PATH",
                                NODE_DIR.resolve("node_modules")
                                        .toAbsolutePath()
                                        .toString()),
                        List.of(),
                        List.of(),
                        "run",
                        "orders",
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "--",
                        "node",
                        dir.resolve("orders.js").toString())) {
            HttpClient java = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", gateway.port())))
                    .build();
            HttpRequest call = HttpRequest.newBuilder(URI.create("http://orders.localhost/"))
                    .timeout(Duration.ofSeconds(10))
                    .build();
            Wait.until(
                    "orders.localhost to answer",
                    Duration.ofSeconds(30),
                    () -> {
                        try {
                            return java.send(call, HttpResponse.BodyHandlers.ofString())
                                            .statusCode()
                                    == 200;
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    () -> orders.stdout() + orders.stderr());
            assertThat(java.send(call, HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("orders (node) got: payments (java) saw /from-node");
        }
    }

    private Path config(TestBackend payments) throws Exception {
        Path file = dir.resolve("loopgate.yaml");
        Files.writeString(file, "services:\n  payments: http://127.0.0.1:" + payments.port() + "\n");
        return file;
    }
}
