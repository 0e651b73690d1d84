package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendFailureTest {
    private GatewayFixture gateway;
    private final java.util.List<AutoCloseable> backends = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable b : backends) {
            b.close();
        }
    }

    private <T extends AutoCloseable> T keep(T backend) {
        backends.add(backend);
        return backend;
    }

    /** A port nothing listens on (bound and released, on both loopback addresses). */
    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** A raw backend that drops whatever a client sends, then does {@code misbehave} with the connection. */
    private TestBackend misbehaving(java.util.function.Consumer<ChannelHandlerContext> misbehave) throws Exception {
        return keep(TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        misbehave.accept(ctx);
                    }
                })));
    }

    /** A backend that reads requests and never answers. */
    private TestBackend hanging() throws Exception {
        return misbehaving(ctx -> {});
    }

    /** A backend that resets the connection as soon as a request arrives. */
    private TestBackend resetting() throws Exception {
        return misbehaving(ctx -> {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
        });
    }

    /** A backend that answers with something that is not HTTP. */
    private TestBackend garbage() throws Exception {
        return misbehaving(
                ctx -> ctx.writeAndFlush(Unpooled.copiedBuffer("SSH-2.0-OpenSSH_9.2\r\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE));
    }

    @Test
    void eachFailureMapsToItsStatusAndTheGatewayKeepsServingOthers() throws Exception {
        TestBackend ok = keep(TestBackend.http(TestBackend.text("fine")));
        gateway = GatewayFixture.start(
                """
                services:
                  ok: http://127.0.0.1:%d
                  refused: http://127.0.0.1:%d
                  hanging:
                    backends: [http://127.0.0.1:%d]
                    response_timeout: 300ms
                  reset: http://127.0.0.1:%d
                  garbage: http://127.0.0.1:%d
                """
                        .formatted(
                                ok.port(),
                                deadPort(),
                                hanging().port(),
                                resetting().port(),
                                garbage().port()));

        HttpResponse<String> refused = gateway.get("refused.localhost", "/");
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.body())
                .contains("'refused'")
                .contains("refused the connection")
                .contains("Start the dev server for 'refused'");

        HttpResponse<String> hanging = gateway.get("hanging.localhost", "/");
        assertThat(hanging.statusCode()).isEqualTo(504);
        assertThat(hanging.body()).contains("did not answer in time").contains("no response within 300ms");

        HttpResponse<String> reset = gateway.get("reset.localhost", "/");
        assertThat(reset.statusCode()).isEqualTo(502);
        assertThat(reset.body()).contains("closed the connection before answering");

        HttpResponse<String> garbage = gateway.get("garbage.localhost", "/", "Accept", "application/json");
        assertThat(garbage.statusCode()).isEqualTo(502);
        assertThat(garbage.body()).contains("\"service\":\"garbage\"").contains("not valid HTTP/1.1");

        assertThat(gateway.get("ok.localhost", "/").body()).isEqualTo("fine");
    }

    @Test
    void aBackendThatDoesNotAcceptInTimeIs504() throws Exception {
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect times out.
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", full.getLocalPort()), 200);
                    } catch (java.io.IOException e) {
                        // the queue is full: exactly what this test needs
                    }
                    fillers.add(s);
                }
                gateway = GatewayFixture.start("services:\n  stuck: http://127.0.0.1:" + full.getLocalPort()
                        + "\ntimeouts:\n  connect: 300ms\n");
                HttpResponse<String> res = gateway.get("stuck.localhost", "/");
                assertThat(res.statusCode()).isEqualTo(504);
                assertThat(res.body()).contains("did not accept the connection in time");
            } finally {
                for (java.net.Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aDevServerListeningOnlyOnIpv6LoopbackIsExplained() throws Exception {
        TestBackend v6 = keep(TestBackend.http("::1", TestBackend.text("v6")));
        gateway = GatewayFixture.start(
                """
                services:
                  literal: http://127.0.0.1:%d
                  named: %d
                """
                        .formatted(v6.port(), v6.port()));
        HttpResponse<String> literal = gateway.get("literal.localhost", "/", "Accept", "text/html");
        assertThat(literal.statusCode()).isEqualTo(502);
        assertThat(literal.body())
                .contains("Nothing listens on 127.0.0.1:" + v6.port())
                .contains("java (pid " + ProcessHandle.current().pid() + ") listens on [::1]:" + v6.port())
                .contains("IPv6 (::1) only")
                .contains("http://localhost:" + v6.port());
        assertThat(gateway.get("named.localhost", "/").body())
                .as("localhost backends try ::1 too")
                .isEqualTo("v6");
    }

    @Test
    void aRefusedBackendFailsOverToAnotherBeforeAnythingIsSent() throws Exception {
        TestBackend ok = keep(TestBackend.http(TestBackend.text("second")));
        gateway = GatewayFixture.start(
                """
                services:
                  api:
                    backends: [http://127.0.0.1:%d, http://127.0.0.1:%d]
                """
                        .formatted(deadPort(), ok.port()));
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> res = gateway.client()
                    .send(
                            gateway.request("api.localhost", "/")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("body"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo("second");
        }
        assertThat(ok.requests).hasSize(6).allMatch(r -> r.body().equals("body"));
    }

    @Test
    void aBackendAnsweringOnly5xxIsEjectedWhenOutlierDetectionIsOn() throws Exception {
        TestBackend broken = keep(TestBackend.http((ctx, req) -> TestBackend.send(
                ctx, req, io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR, "broken")));
        TestBackend fine = keep(TestBackend.http(TestBackend.text("fine")));
        gateway = GatewayFixture.start(
                """
                services:
                  api:
                    backends: [http://127.0.0.1:%d, http://127.0.0.1:%d]
                    outlier: { consecutive_5xx: 3 }
                """
                        .formatted(broken.port(), fine.port()));
        int errors = 0;
        for (int i = 0; i < 20; i++) {
            if (gateway.get("api.localhost", "/").statusCode() == 500) {
                errors++;
            }
        }
        assertThat(errors).as("5xx answers before the backend was taken out").isEqualTo(3);
        assertThat(broken.requests).hasSize(3);
        assertThat(gateway.get("loopgate.localhost", "/api/v1/services").body())
                .contains("3 consecutive 5xx responses");
    }

    @Test
    void withoutOutlierDetection5xxAnswersAreJustAnswers() throws Exception {
        TestBackend broken = keep(TestBackend.http((ctx, req) -> TestBackend.send(
                ctx, req, io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR, "broken")));
        gateway = GatewayFixture.start("services:\n  api: http://127.0.0.1:" + broken.port() + "\n");
        for (int i = 0; i < 10; i++) {
            assertThat(gateway.get("api.localhost", "/").statusCode()).isEqualTo(500);
        }
    }

    @Test
    void aServiceWithNoBackendsAnswers503WithRetryAfter() throws Exception {
        gateway = GatewayFixture.start("services:\n  web: 1\n");
        gateway.routes()
                .swap(dev.loopgate.routing.RouteTable.build(new dev.loopgate.config.GatewayConfig(
                        dev.loopgate.config.ListenAddress.DEFAULT,
                        false,
                        "loopgate.localhost",
                        java.util.Map.of(
                                "empty",
                                new dev.loopgate.config.ServiceConfig(
                                        "empty",
                                        java.util.List.of("empty.localhost"),
                                        java.util.List.of("/"),
                                        false,
                                        java.util.List.of(),
                                        dev.loopgate.config.HealthConfig.DEFAULT,
                                        null)),
                        dev.loopgate.config.Limits.DEFAULT,
                        dev.loopgate.config.Timeouts.DEFAULT,
                        java.util.List.of(),
                        "test")));
        HttpResponse<String> res = gateway.get("empty.localhost", "/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("retry-after")).contains("1");
        assertThat(res.body()).contains("has no backends");
    }

    /**
     * Answers the first request on each connection and closes the connection on the second without a word: what a
     * pooled connection looks like when the backend's keep-alive timeout fires just as a request is sent on it.
     */
    private TestBackend oneRequestPerConnection() throws Exception {
        return keep(TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(
                        new io.netty.handler.codec.http.HttpServerCodec(),
                        new io.netty.handler.codec.http.HttpObjectAggregator(1 << 20),
                        new io.netty.channel.SimpleChannelInboundHandler<
                                io.netty.handler.codec.http.FullHttpRequest>() {
                            private int served;

                            @Override
                            protected void channelRead0(
                                    ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest req) {
                                if (served++ > 0) {
                                    ctx.close();
                                    return;
                                }
                                TestBackend.send(
                                        ctx, req, io.netty.handler.codec.http.HttpResponseStatus.OK, "ok " + req.uri());
                            }
                        })));
    }

    @Test
    void aSafeRequestOnAStalePooledConnectionIsReplayedOnceButABodyIsNever() throws Exception {
        TestBackend backend = oneRequestPerConnection();
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /1 HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readResponse()).endsWith("ok /1");
            c.send("GET /2 HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readResponse()).as("replayed on a fresh connection").endsWith("ok /2");
            c.send("POST /3 HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 4\r\n\r\nbody");
            assertThat(c.readResponse())
                    .as("a request with a body is never replayed")
                    .startsWith("HTTP/1.1 502")
                    .contains("closed the connection before answering");
            c.send("GET /4 HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertThat(c.readResponse())
                    .as("the client connection survives a backend failure")
                    .endsWith("ok /4");
        }
        assertThat(backend.connections.get()).isEqualTo(3);
    }
}
