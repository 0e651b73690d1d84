package dev.loopgate.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Writes an admin event stream to its connection: the head, then whatever the stream has every tick. The tick runs
 * on the connection's event loop, the figures are computed on the control-plane thread, and the loop writes them.
 * A reader that cannot keep up skips ticks instead of queueing (each event carries the whole state or only what is
 * new since the last one it got); draining ends the stream.
 */
final class DashboardFeed {
    private DashboardFeed() {}

    static void start(ChannelHandlerContext ctx, AdminRequests.Stream stream, GatewayContext gateway) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set("X-Content-Type-Options", "nosniff");
        ctx.write(head);
        tick(ctx, stream, gateway);
        var ticks = ctx.executor()
                .scheduleAtFixedRate(
                        () -> tick(ctx, stream, gateway),
                        AdminRequests.Stream.TICK_MILLIS,
                        AdminRequests.Stream.TICK_MILLIS,
                        TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> ticks.cancel(false));
    }

    private static void tick(ChannelHandlerContext ctx, AdminRequests.Stream stream, GatewayContext gateway) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (gateway.draining()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!ctx.channel().isWritable()) {
            return;
        }
        int port = gateway.port();
        try {
            gateway.control().execute(() -> {
                String events = stream.next(port);
                if (events != null) {
                    try {
                        ctx.executor().execute(() -> write(ctx, events));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // the connection's loop is shutting down
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private static void write(ChannelHandlerContext ctx, String events) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), events)))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
