package dev.loopgate.proxy;

/**
 * The names of every handler in loopgate's pipelines, in one place (as reactor-netty's {@code NettyPipeline}).
 *
 * <p>Client connection: {@link #CODEC} ({@code ClientCodec}) → {@link #FLOW} (one message per read) →
 * {@link #CLIENT} ({@code ClientConnection}). Backend connection: {@link #CODEC} ({@code BackendCodec}) →
 * {@link #BACKEND} ({@code BackendConnection}). After a WebSocket upgrade each side switches itself to
 * {@link #TUNNEL} ({@code TunnelHandler}) with no codec.
 */
final class HandlerNames {
    static final String CODEC = "codec";
    static final String FLOW = "flow";
    static final String CLIENT = "client";
    static final String BACKEND = "backend";
    static final String TUNNEL = "tunnel";

    private HandlerNames() {}
}
