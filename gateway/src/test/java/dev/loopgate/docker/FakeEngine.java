package dev.loopgate.docker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for the Docker Engine on a real unix socket, answering the two calls the provider makes with recorded
 * shapes: {@code /containers/json} returns {@link #containers}, {@code /events} stays open and carries
 * {@link #emit}ted lines. For the provider's reconnect and timing behaviour; the real Engine is tested in
 * {@code DockerIT}.
 */
final class FakeEngine implements AutoCloseable {
    final AtomicReference<String> containers = new AtomicReference<>("[]");
    final AtomicInteger lists = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ChannelGroup streams = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    FakeEngine(Path socket) {
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(1024))
                                .addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        answer(ctx, req);
                                    }
                                });
                    }
                })
                .bind(new DomainSocketAddress(socket.toString()))
                .syncUninterruptibly()
                .channel();
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.uri().startsWith("/events")) {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set("Content-Type", "application/json").set("Transfer-Encoding", "chunked");
            ctx.writeAndFlush(head);
            streams.add(ctx.channel());
            return;
        }
        lists.incrementAndGet();
        byte[] body = containers.get().getBytes(StandardCharsets.UTF_8);
        var res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK,
                ctx.alloc().buffer().writeBytes(body));
        res.headers().set("Content-Type", "application/json").set("Content-Length", body.length);
        ctx.writeAndFlush(res);
    }

    /** Sends one event line to every open event stream. */
    void emit(String jsonLine) {
        for (Channel ch : streams) {
            ch.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(ch.alloc(), jsonLine + "\n")));
        }
    }

    int openStreams() {
        return streams.size();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        streams.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
    }
}
