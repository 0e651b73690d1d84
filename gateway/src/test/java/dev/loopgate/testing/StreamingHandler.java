package dev.loopgate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A non-aggregating backend for streaming tests: {@code GET /big?n=BYTES} writes a body as fast as the connection
 * takes it, {@code POST /upload} counts and checksums what arrives, and {@code GET /events} opens a server-sent
 * event stream that the test feeds through {@link #events}.
 */
public final class StreamingHandler extends ChannelInboundHandlerAdapter {
    /** Bytes of {@code /big} bodies handed to the socket so far. */
    public final AtomicLong written;
    /** Events to send on open {@code /events} streams; the test offers, the handler writes. */
    public final BlockingQueue<String> events;

    private long remaining;
    private long uploaded;
    private final CRC32 crc = new CRC32();
    private ChannelHandlerContext ctx;
    private boolean streaming;

    public StreamingHandler(AtomicLong written, BlockingQueue<String> events) {
        this.written = written;
        this.events = events;
    }

    public static BlockingQueue<String> newEventQueue() {
        return new LinkedBlockingQueue<>();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        this.ctx = ctx;
        if (msg instanceof HttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            if (path.equals("/big")) {
                remaining = Long.parseLong(
                        new QueryStringDecoder(req.uri()).parameters().get("n").get(0));
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(res, remaining);
                ctx.write(res);
                streaming = true;
                writeMore();
            } else if (path.equals("/events")) {
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                HttpUtil.setTransferEncodingChunked(res, true);
                ctx.writeAndFlush(res);
                pumpEvents();
            } else {
                uploaded = 0;
                crc.reset();
            }
        }
        if (msg instanceof HttpContent c) {
            ByteBuf b = c.content();
            uploaded += b.readableBytes();
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            crc.update(bytes);
            if (c instanceof LastHttpContent && !streaming) {
                String body = uploaded + " " + Long.toHexString(crc.getValue());
                DefaultFullHttpResponse res = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK,
                        ctx.alloc().buffer().writeBytes(body.getBytes(StandardCharsets.US_ASCII)));
                HttpUtil.setContentLength(res, res.content().readableBytes());
                ctx.writeAndFlush(res);
            }
        }
        io.netty.util.ReferenceCountUtil.release(msg);
    }

    private void pumpEvents() {
        String next = events.poll();
        if (next != null) {
            ctx.writeAndFlush(new DefaultHttpContent(
                    ctx.alloc().buffer().writeBytes(("data: " + next + "\n\n").getBytes(StandardCharsets.UTF_8))));
        }
        if (ctx.channel().isActive()) {
            ctx.executor().schedule(this::pumpEvents, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void writeMore() {
        while (remaining > 0 && ctx.channel().isWritable()) {
            int n = (int) Math.min(64 * 1024, remaining);
            ByteBuf chunk = ctx.alloc().buffer(n);
            chunk.writerIndex(n);
            remaining -= n;
            written.addAndGet(n);
            ctx.write(new DefaultHttpContent(chunk));
        }
        if (remaining == 0 && streaming) {
            streaming = false;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            ctx.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && streaming) {
            writeMore();
        }
    }
}
