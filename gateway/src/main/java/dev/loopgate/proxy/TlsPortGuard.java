package dev.loopgate.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First on the HTTPS port: looks at the first byte a client sends. A TLS handshake passes on; plain HTTP (someone
 * typed {@code http://…:8443}) gets a readable 400 that names the right URL instead of a failed handshake, as
 * nginx does. Also asks for the first read, since client connections do not read by themselves.
 */
final class TlsPortGuard extends ByteToMessageDecoder {
    private static final byte TLS_HANDSHAKE = 0x16;
    private final GatewayContext gateway;

    TlsPortGuard(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        ctx.read();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        gateway.observer().handshakeFailed("plain_http");
        String body = "This is loopgate's HTTPS port: use https:// here, or http:// on port " + gateway.port() + ".\n";
        String response = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
        ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.UTF_8))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
