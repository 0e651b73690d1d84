package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void epollIsTheDefaultOnLinuxAndIoUringIsUsedWhenChosen() {
        Assumptions.assumeTrue(Transport.named("epoll") != null, "epoll is not available here");
        assertThat(Transport.best(null).name()).isEqualTo("epoll");
        assertThat(Transport.best("").name()).isEqualTo("epoll");
        if (IoUring.isAvailable()) {
            assertThat(Transport.best("io_uring").name()).isEqualTo("io_uring");
        }
    }

    @Test
    void aChosenTransportIsUsedAndAnUnknownNameFallsBackToTheBest() {
        String best = Transport.best(null).name();
        assertThat(Transport.best("nio").name()).isEqualTo("nio");
        assertThat(Transport.best(" NIO ").name()).isEqualTo("nio");
        assertThat(Transport.best("kqueue").name()).isEqualTo(best);
        assertThat(Transport.whyNot("kqueue")).isEqualTo("not one of epoll, nio, io_uring");
        if (Transport.named("epoll") != null) {
            assertThat(Transport.best("epoll").name()).isEqualTo("epoll");
        }
    }

    /** Every transport that loads here carries bytes both ways over loopback, through its own channel classes. */
    @Test
    void everyTransportThatLoadsCarriesBytes() throws Exception {
        for (String name : Transport.NAMES) {
            Transport t = Transport.named(name);
            if (t != null) {
                assertThat(echo(t, "hello over " + name)).isEqualTo("hello over " + name);
            }
        }
    }

    private static String echo(Transport t, String text) throws Exception {
        EventLoopGroup group = t.newGroup(1, "loopgate-test-" + t.name());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(t.serverChannel())
                    .childHandler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            ctx.writeAndFlush(msg.retain());
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            CompletableFuture<String> answer = new CompletableFuture<>();
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(t.socketChannel())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    answer.complete(msg.toString(StandardCharsets.UTF_8));
                                }
                            });
                        }
                    })
                    .connect((InetSocketAddress) server.localAddress())
                    .sync()
                    .channel();
            client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            String got = answer.get(5, TimeUnit.SECONDS);
            client.close().sync();
            server.close().sync();
            return got;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
