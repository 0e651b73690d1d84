package dev.loopgate.proxy;

import dev.loopgate.config.BackendUrl;
import dev.loopgate.config.Durations;
import dev.loopgate.health.Prober;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Probes backends on an event loop: a TCP connect ({@code localhost} on both loopback addresses), or an HTTP GET
 * whose status line must be 2xx or 3xx. Reads only the status line, so a large health page costs nothing.
 */
final class HealthProber implements Prober {
    private final Transport transport;
    private final NameResolvers resolvers;
    private final EventLoop loop;

    HealthProber(Transport transport, NameResolvers resolvers, EventLoop loop) {
        this.transport = transport;
        this.resolvers = resolvers;
        this.loop = loop;
    }

    @Override
    public void probe(BackendUrl url, String path, String hostHeader, Duration timeout, Consumer<Result> done) {
        long start = System.nanoTime();
        List<InetSocketAddress> addresses = BackendConnector.addresses(url, false);
        connect(
                addresses,
                0,
                timeout,
                null,
                ch -> {
                    if (path == null || path.isEmpty()) {
                        ch.close();
                        done.accept(new Result(true, null, micros(start)));
                    } else {
                        httpCheck(ch, path, hostHeader, timeout, start, done);
                    }
                },
                error -> done.accept(new Result(false, error, micros(start))));
    }

    private void connect(
            List<InetSocketAddress> addresses,
            int i,
            Duration timeout,
            String earlier,
            Consumer<Channel> connected,
            Consumer<String> failed) {
        new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .resolver(addresses.get(i).isUnresolved() ? resolvers.group() : DefaultAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(addresses.get(i))
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        connected.accept(f.channel());
                    } else if (i + 1 < addresses.size()) {
                        connect(addresses, i + 1, timeout, reason(f.cause(), timeout), connected, failed);
                    } else {
                        String last = reason(f.cause(), timeout);
                        failed.accept(earlier == null || earlier.equals(last) ? last : earlier + " / " + last);
                    }
                });
    }

    private static String reason(Throwable cause, Duration timeout) {
        if (cause instanceof ConnectTimeoutException) {
            return "timed out after " + Durations.format(timeout);
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return String.valueOf(cause.getMessage());
    }

    private static void httpCheck(
            Channel ch, String path, String host, Duration timeout, long start, Consumer<Result> done) {
        boolean[] reported = {false};
        Consumer<Result> once = r -> {
            if (!reported[0]) {
                reported[0] = true;
                ch.close();
                done.accept(r);
            }
        };
        var timer = ch.eventLoop()
                .schedule(
                        () -> once.accept(new Result(
                                false,
                                "no answer to GET " + path + " within " + Durations.format(timeout),
                                micros(start))),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    while (buf.isReadable() && line.length() < 256) {
                        char c = (char) buf.readByte();
                        if (c == '\n') {
                            timer.cancel(false);
                            once.accept(judge(line.toString().trim(), path, start));
                            return;
                        }
                        line.append(c);
                    }
                } finally {
                    buf.release();
                }
                ctx.read();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                timer.cancel(false);
                once.accept(new Result(false, "closed the connection without answering GET " + path, micros(start)));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                timer.cancel(false);
                once.accept(new Result(false, String.valueOf(cause.getMessage()), micros(start)));
            }
        });
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: loopgate-health\r\n"
                + "Accept: */*\r\nConnection: close\r\n\r\n";
        ch.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        ch.read();
    }

    private static Result judge(String statusLine, String path, long start) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            return new Result(false, "GET " + path + " did not get an HTTP answer", micros(start));
        }
        int code = Integer.parseInt(parts[1]);
        return code >= 200 && code < 400
                ? new Result(true, null, micros(start))
                : new Result(false, "GET " + path + " answered " + code, micros(start));
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }
}
