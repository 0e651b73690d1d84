package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 1xx responses: relayed to HTTP/1.1 clients, never to HTTP/1.0 ones; Expect: 100-continue end to end. */
class InformationalTest {
    private TestBackend continuing;
    private TestBackend rejecting;
    private TestBackend hinting;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        continuing = TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(
                        new HttpServerCodec(),
                        new HttpServerExpectContinueHandler(),
                        new HttpObjectAggregator(1 << 20),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                TestBackend.send(
                                        ctx,
                                        req,
                                        HttpResponseStatus.OK,
                                        "got " + req.content().readableBytes());
                            }
                        }));
        rejecting = TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler() {
                    @Override
                    protected io.netty.handler.codec.http.HttpResponse acceptMessage(
                            io.netty.handler.codec.http.HttpRequest request) {
                        return null;
                    }

                    @Override
                    protected io.netty.handler.codec.http.HttpResponse rejectResponse(
                            io.netty.handler.codec.http.HttpRequest request) {
                        DefaultFullHttpResponse res =
                                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED);
                        res.headers().set("Content-Length", 0);
                        return res;
                    }
                }));
        hinting = TestBackend.http((ctx, req) -> {
            DefaultFullHttpResponse hints =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103));
            hints.headers().set("Link", "</app.css>; rel=preload");
            ctx.write(hints);
            TestBackend.send(ctx, req, HttpResponseStatus.OK, "page");
        });
        gateway = GatewayFixture.start(
                """
                services:
                  upload: http://127.0.0.1:%d
                  strict: http://127.0.0.1:%d
                  hints: http://127.0.0.1:%d
                """
                        .formatted(continuing.port(), rejecting.port(), hinting.port()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        continuing.close();
        rejecting.close();
        hinting.close();
    }

    @Test
    void expectContinueIsRelayedAndTheBodyFollows() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("PUT /f HTTP/1.1\r\nHost: upload.localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 100 Continue");
            c.send("hello");
            assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("got 5");
            c.send("GET /again HTTP/1.1\r\nHost: upload.localhost\r\n\r\n");
            assertThat(c.readResponse()).endsWith("got 0");
        }
    }

    @Test
    void aFinalAnswerInsteadOfContinueClosesTheClientConnection() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("PUT /f HTTP/1.1\r\nHost: strict.localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            String res = c.readUntilClosed();
            assertThat(res).startsWith("HTTP/1.1 401").contains("connection: close");
        }
    }

    @Test
    void earlyHintsReachHttp11ClientsButNotHttp10Ones() throws Exception {
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.1\r\nHost: hints.localhost\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 103").containsIgnoringCase("link: </app.css>; rel=preload");
            assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("page");
        }
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET / HTTP/1.0\r\nHost: hints.localhost\r\n\r\n");
            String res = c.readUntilClosed();
            assertThat(res).startsWith("HTTP/1.1 200").doesNotContain("103").endsWith("page");
        }
    }
}
