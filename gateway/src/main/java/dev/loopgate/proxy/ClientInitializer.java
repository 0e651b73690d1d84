package dev.loopgate.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flow.FlowControlHandler;

/** The client pipeline: HTTP codec, then one-message-per-read flow control, then the connection's state machine. */
final class ClientInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayContext gateway;

    ClientInitializer(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        gateway.clients().add(ch);
        ch.pipeline()
                .addLast(HandlerNames.CODEC, new ClientCodec(gateway.config().limits()))
                .addLast(HandlerNames.FLOW, new FlowControlHandler())
                .addLast(HandlerNames.CLIENT, new ClientConnection(gateway));
    }
}
