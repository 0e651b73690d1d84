package dev.loopgate.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection. While an exchange uses the connection it hands every event to that
 * exchange; while the connection is parked in a pool, any byte from the backend is unexpected and closes it.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private Exchange exchange;
    private BackendPool pool;
    private String poolKey;
    private long parkedAt;
    private boolean reading;
    private boolean parkedWhileReading;

    static BackendConnection of(Channel ch) {
        return (BackendConnection) ch.pipeline().get(HandlerNames.BACKEND);
    }

    void attach(Exchange e) {
        exchange = e;
    }

    void detach() {
        exchange = null;
    }

    void park(BackendPool p, String key, long nanos) {
        exchange = null;
        pool = p;
        poolKey = key;
        parkedAt = nanos;
        parkedWhileReading = reading;
    }

    void unpark() {
        pool = null;
        poolKey = null;
    }

    long parkedAt() {
        return parkedAt;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        Exchange e = exchange;
        if (e != null && (msg instanceof HttpResponse || msg instanceof HttpContent)) {
            // A FullHttpResponse is both: its head goes first, then its content (the exchange owns it from here).
            if (msg instanceof HttpResponse res) {
                e.onResponseHead(res);
            }
            if (msg instanceof HttpContent c) {
                e.onResponseContent(c);
            }
            return;
        }
        ReferenceCountUtil.release(msg);
        if (e != null) {
            return; // not an HTTP message: nothing the exchange could use
        }
        log.debug("{} backend sent data while idle; closing", ctx.channel());
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        boolean wasReading = reading;
        reading = false;
        Exchange e = exchange;
        if (e != null) {
            e.onBackendReadComplete();
            return;
        }
        if (pool == null) {
            return;
        }
        if (parkedWhileReading && wasReading && endedCleanly(ctx.channel())) {
            // The end of the read that completed the last response: nothing more came with it.
            parkedWhileReading = false;
            return;
        }
        // Bytes arrived while parked, perhaps too few for a message (the decoder keeps them): the next exchange
        // would read them as the start of its response, so this connection is done.
        log.debug("{} backend sent bytes while idle; closing", ctx.channel());
        ctx.close();
    }

    /**
     * The backend accepted a WebSocket upgrade: from now on this connection relays raw bytes to {@code client}.
     * Its codec stays until {@link #dropCodec}, so that the two sides' codecs go in the order {@code ClientConnection}
     * needs.
     */
    static void relayTo(Channel backend, Channel client) {
        backend.pipeline().replace(HandlerNames.BACKEND, HandlerNames.TUNNEL, new TunnelHandler(client));
    }

    /** Removes the HTTP codec; bytes it still held (frames that came with the 101) go on to the tunnel. */
    static void dropCodec(Channel backend) {
        backend.pipeline().remove(HandlerNames.CODEC);
    }

    /**
     * Whether the last response ended exactly where the backend's bytes did: nothing is left in the decoder to be
     * taken for the next response.
     */
    static boolean endedCleanly(Channel ch) {
        BackendCodec codec = ch.pipeline().get(BackendCodec.class);
        return codec != null && !codec.hasLeftoverBytes();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) {
            e.onBackendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onBackendClosed(null);
        }
        if (pool != null) {
            pool.forget(poolKey, ctx.channel());
            pool = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onBackendClosed(cause);
        } else {
            log.debug("{} idle backend connection failed: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}
