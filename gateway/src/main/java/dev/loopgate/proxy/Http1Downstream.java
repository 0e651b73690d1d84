package dev.loopgate.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One exchange's view of an HTTP/1.1 client connection. Each exchange gets its own, and it ends with the first of
 * {@link #completed}, {@link #answer}, {@link #reset} or {@link #upgraded} (or when the client goes away): whatever a
 * finished exchange still calls (a late timer, say) reaches nothing, so the connection never has to ask whether a
 * call comes from the exchange it is serving now.
 */
final class Http1Downstream implements Downstream {
    private final ClientConnection connection;
    private final ChannelHandlerContext ctx;
    private Exchange exchange;
    private boolean ended;

    Http1Downstream(ClientConnection connection, ChannelHandlerContext ctx) {
        this.connection = connection;
        this.ctx = ctx;
    }

    void serve(Exchange e) {
        exchange = e;
    }

    /** The client connection closed: nothing more goes to it. */
    void clientGone() {
        ended = true;
    }

    private boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void sendInterim(HttpResponse informational) {
        if (!ended) {
            ctx.writeAndFlush(informational);
        }
    }

    @Override
    public void sendHead(HttpResponse head) {
        if (!ended) {
            ctx.write(head);
        }
    }

    @Override
    public void sendContent(HttpContent content) {
        if (ended) {
            content.release();
            return;
        }
        ctx.write(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void readBody() {
        if (!ended) {
            connection.requestRead();
        }
    }

    @Override
    public void completed(boolean keepAlive) {
        if (end()) {
            connection.exchangeCompleted(exchange, keepAlive);
        }
    }

    @Override
    public void answer(Problem problem, boolean keepAlive) {
        if (end()) {
            connection.exchangeFailed(exchange, problem, keepAlive);
        }
    }

    @Override
    public void reset() {
        if (end()) {
            connection.exchangeAborted(exchange);
        }
    }

    @Override
    public void upgraded(Channel backend) {
        if (end()) {
            connection.exchangeUpgraded(exchange, backend);
        } else {
            backend.close();
        }
    }
}
