package dev.loopgate.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;

/**
 * One HTTP/2 stream's pipeline: frames become the HTTP objects an HTTP/1.1 connection produces, so a stream is served
 * by the same {@link ClientConnection} and {@link Exchange} (to HTTP/1.1 backends). Nothing is read until asked for:
 * an unread stream's flow-control window stays closed, which is how a slow backend holds back an h2 upload.
 */
final class Http2StreamInitializer extends ChannelInitializer<Channel> {
    private final GatewayContext gateway;

    Http2StreamInitializer(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setAutoRead(false);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        ch.pipeline()
                .addLast(HandlerNames.WEBSOCKET_H2, new WebSocketOverHttp2())
                .addLast(HandlerNames.CODEC, new Http2StreamFrameToHttpObjectCodec(true, true))
                .addLast(HandlerNames.H2_ADAPTER, new Http2Messages())
                .addLast(HandlerNames.FLOW, new FlowControlHandler())
                .addLast(HandlerNames.CLIENT, new ClientConnection(gateway, ClientProtocol.H2));
    }
}
