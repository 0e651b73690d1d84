package dev.loopgate.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real HTTP server on a loopback address and an ephemeral port, for the gateway to forward to. It records the
 * requests it saw, counts connections, and keeps its own exceptions so a test can fail on them.
 */
public final class TestBackend implements AutoCloseable {
    /** A request as the backend received it. */
    public record Recorded(String method, String uri, HttpHeaders headers, String body) {}

    /** Answers one aggregated request. */
    public interface Responder {
        void respond(ChannelHandlerContext ctx, FullHttpRequest req);
    }

    public final AtomicInteger connections = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    public final List<Recorded> requests = new CopyOnWriteArrayList<>();
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group;
    private final Channel server;
    private final io.netty.channel.group.ChannelGroup children =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    private TestBackend(String bindHost, Consumer<ChannelPipeline> pipeline) throws Exception {
        this(bindHost, 0, pipeline);
    }

    private TestBackend(String bindHost, int port, Consumer<ChannelPipeline> pipeline) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        pipeline.accept(ch.pipeline());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                // A truncated request is what a streaming proxy sends when the client's body
                                // turns out malformed; the backend's decoder reporting it is expected.
                                if (!(cause instanceof java.io.IOException)
                                        && !(cause
                                                instanceof io.netty.handler.codec.PrematureChannelClosureException)) {
                                    errors.add(cause);
                                }
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getByName(bindHost), port))
                .sync()
                .channel();
    }

    /** An aggregating server on 127.0.0.1 that records each request and answers with {@code responder}. */
    public static TestBackend http(Responder responder) throws Exception {
        return http("127.0.0.1", responder);
    }

    public static TestBackend http(String bindHost, Responder responder) throws Exception {
        return http(bindHost, 0, responder);
    }

    /** As {@link #http(String, Responder)} on a chosen port: a dev server coming back where it was. */
    public static TestBackend http(String bindHost, int port, Responder responder) throws Exception {
        TestBackend[] self = new TestBackend[1];
        self[0] = new TestBackend(
                bindHost,
                port,
                p -> p.addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(16 << 20),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                self[0].requests.add(new Recorded(
                                        req.method().name(),
                                        req.uri(),
                                        new DefaultHttpHeaders().add(req.headers()),
                                        req.content().toString(StandardCharsets.UTF_8)));
                                responder.respond(ctx, req);
                            }
                        }));
        return self[0];
    }

    /** A server whose pipeline the test builds itself (streaming handlers, WebSocket, misbehaviour). */
    public static TestBackend raw(String bindHost, Consumer<ChannelPipeline> pipeline) throws Exception {
        return new TestBackend(bindHost, pipeline);
    }

    /** Echoes WebSocket text frames on {@code /ws}. */
    public static TestBackend webSocketEcho() throws Exception {
        return raw(
                "127.0.0.1",
                p -> p.addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler("/ws", null, false, 1 << 20),
                        new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(1 << 20),
                        new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
                            }
                        }));
    }

    /** Answers every request 200 with {@code body}, keeping the connection open when the client allows it. */
    public static Responder text(String body) {
        return (ctx, req) -> send(ctx, req, HttpResponseStatus.OK, body);
    }

    public static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(res, content.readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public Recorded lastRequest() {
        return requests.get(requests.size() - 1);
    }

    /** Stops like a killed process: the listening socket and every open connection close at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("the test backend failed: " + errors.get(0), errors.get(0));
            throw e;
        }
    }
}
