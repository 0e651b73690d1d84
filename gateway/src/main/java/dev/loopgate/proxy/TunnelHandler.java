package dev.loopgate.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of an upgraded connection (WebSocket): bytes go to the peer unchanged. A side is read again only while
 * its peer can take more, and when either side closes, the other is closed once its pending bytes are flushed.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {

    private final Channel peer;

    TunnelHandler(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (peer.isActive()) {
            peer.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (peer.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Turns an HTTP/1.1 client connection whose request the backend upgraded into a tunnel: from now on both
     * connections relay raw bytes. {@code replaced} is the client's HTTP handler.
     */
    static void splice(Channel client, ChannelHandler replaced, Channel backend) {
        // Order matters: both relays first, then the client's codec (its leftover bytes go to the backend, whose
        // encoder passes them), then the backend's (its leftover frames reach a client pipeline without a codec).
        client.pipeline().replace(replaced, HandlerNames.TUNNEL, new TunnelHandler(backend));
        BackendConnection.relayTo(backend, client);
        client.pipeline().remove(HandlerNames.FLOW);
        client.pipeline().remove(HandlerNames.CODEC);
        BackendConnection.dropCodec(backend);
        client.flush();
        if (!backend.isActive()) {
            closeOnFlush(client);
            return;
        }
        client.read();
        backend.read();
    }

    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
