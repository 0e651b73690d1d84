package dev.loopgate.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;

/**
 * The HTTPS port's pipeline: a guard against plain HTTP, then TLS with a certificate chosen by the name the client
 * asks for (SNI; issued by the local CA off the event loop), then ALPN decides between HTTP/2 and HTTP/1.1.
 */
final class SecureInitializer extends ChannelInitializer<SocketChannel> {
    /** A ClientHello bigger than this is not a browser's: the handshake fails instead of buffering it. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;

    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final GatewayContext gateway;
    private final AsyncMapping<String, SslContext> certificates;

    SecureInitializer(GatewayContext gateway, AsyncMapping<String, SslContext> certificates) {
        this.gateway = gateway;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        gateway.clients().add(ch);
        ch.pipeline()
                .addLast("tls-guard", new TlsPortGuard(gateway))
                .addLast("sni", new SniHandler(certificates, MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MILLIS))
                .addLast("alpn", new AlpnSwitch(gateway));
    }
}
