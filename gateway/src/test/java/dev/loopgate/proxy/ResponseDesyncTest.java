package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.testing.GatewayFixture;
import dev.loopgate.testing.RawClient;
import dev.loopgate.testing.TestBackend;
import dev.loopgate.testing.Wait;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backends that send more than their response — past the Content-Length, a body on a 204 or after HEAD, after the
 * last chunk, or later while the connection is idle — must never have those bytes read as the next client's
 * response. The stray bytes here start a response that would plant a cookie: whatever follows would be spliced in.
 */
class ResponseDesyncTest {
    /** The start of a response head, left open so that the next real response would be taken into it. */
    private static final String PLANT = "HTTP/1.1 200 OK\r\nSet-Cookie: planted=1\r\nX-Pad: ";

    private static final String NEXT = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

    private GatewayFixture gateway;
    private TestBackend backend;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** A raw backend: the first request overall gets {@code first}; every later one a clean "next". */
    private void backend(BiConsumer<ChannelHandlerContext, Integer> answer) throws Exception {
        backend = TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder seen = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        seen.append(b.toString(StandardCharsets.ISO_8859_1));
                        b.release();
                        int end;
                        while ((end = seen.indexOf("\r\n\r\n")) >= 0) {
                            seen.delete(0, end + 4);
                            answer.accept(ctx, requests.incrementAndGet());
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        closed.incrementAndGet();
                    }
                }));
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
    }

    private static void write(ChannelHandlerContext ctx, String bytes) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    private void assertTheNextClientGetsACleanResponse() throws Exception {
        HttpResponse<String> second = gateway.get("web.localhost", "/second");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("next");
        assertThat(second.headers().allValues("set-cookie"))
                .as("no planted header")
                .isEmpty();
        assertThat(backend.connections.get())
                .as("the tainted connection was not reused")
                .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + PLANT,
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nSet-Cookie: planted=1\r\n"
                        + "Content-Length: 0\r\n\r\n",
                "HTTP/1.1 204 No Content\r\n\r\n" + PLANT,
                "HTTP/1.1 304 Not Modified\r\n\r\n" + PLANT,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + PLANT
            })
    void bytesBeyondTheEndOfAResponseNeverReachTheNextClient(String first) throws Exception {
        backend((ctx, n) -> write(ctx, n == 1 ? first : NEXT));
        HttpResponse<String> one = gateway.get("web.localhost", "/first");
        assertThat(one.statusCode()).isIn(200, 204, 304);
        assertTheNextClientGetsACleanResponse();
    }

    @org.junit.jupiter.api.Test
    void aBodyAfterAHeadResponseNeverReachesTheNextClient() throws Exception {
        backend((ctx, n) -> write(ctx, n == 1 ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + PLANT : NEXT));
        HttpResponse<Void> head = gateway.client()
                .send(
                        gateway.request("web.localhost", "/first")
                                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertTheNextClientGetsACleanResponse();
    }

    @org.junit.jupiter.api.Test
    void strayBytesThatArriveWhileTheConnectionIsIdleCloseIt() throws Exception {
        backend((ctx, n) -> {
            if (n == 1) {
                write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
                ctx.executor().schedule(() -> write(ctx, PLANT), 300, TimeUnit.MILLISECONDS);
            } else {
                write(ctx, NEXT);
            }
        });
        assertThat(gateway.get("web.localhost", "/first").body()).isEqualTo("hello");
        Wait.until(
                "the gateway to drop the idle connection that sent stray bytes",
                Duration.ofSeconds(5),
                () -> closed.get() == 1);
        assertTheNextClientGetsACleanResponse();
    }

    @org.junit.jupiter.api.Test
    void theResponseTimeoutCoversTheWaitAfterA100Continue() throws Exception {
        backend = TestBackend.raw(
                "127.0.0.1",
                p -> p.addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        io.netty.util.ReferenceCountUtil.release(msg);
                        write(ctx, "HTTP/1.1 100 Continue\r\n\r\n");
                    }
                }));
        gateway = GatewayFixture.start("services:\n  web:\n    backends: [http://127.0.0.1:" + backend.port()
                + "]\n    response_timeout: 300ms\n");
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("POST / HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 2\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\nhi");
            String all = c.readUntilClosed();
            assertThat(all)
                    .startsWith("HTTP/1.1 100 Continue")
                    .contains("HTTP/1.1 504 ")
                    .contains("300ms");
        }
    }

    @org.junit.jupiter.api.Test
    void requestTrailersLoseTheFieldsThatMustNotBeThere() throws Exception {
        backend = TestBackend.http((ctx, req) -> TestBackend.send(
                ctx,
                req,
                io.netty.handler.codec.http.HttpResponseStatus.OK,
                String.join(",", new java.util.TreeSet<>(req.trailingHeaders().names()))));
        gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + backend.port() + "\n");
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("POST / HTTP/1.1\r\nHost: web.localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\nHost: evil.example\r\n"
                    + "X-Forwarded-For: 6.6.6.6\r\nAuthorization: Bearer stolen\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\nForwarded: for=6.6.6.6\r\nX-Checksum: abc\r\n\r\n");
            String all = c.readUntilClosed();
            assertThat(all).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nX-Checksum");
        }
    }

    @org.junit.jupiter.api.Test
    void aBrokenChunkPartWayThroughCutsTheClientConnectionWithoutALastChunk() throws Exception {
        backend((ctx, n) -> write(
                ctx, n == 1 ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore" : NEXT));
        try (RawClient c = new RawClient(gateway.port())) {
            c.send("GET /first HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            String all = c.readUntilClosed();
            assertThat(all).startsWith("HTTP/1.1 200").contains("hello");
            assertThat(all)
                    .as("no terminating chunk: the client sees the body cut")
                    .doesNotContain("0\r\n\r\n");
        }
        long start = System.nanoTime();
        assertTheNextClientGetsACleanResponse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the broken connection was not pooled to make the next request wait for a timeout")
                .isLessThan(Duration.ofSeconds(5));
    }
}
