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
    /** An HTTP/2 connection's frame codec. */
    static final String H2 = "h2";
    /** An HTTP/2 stream's WebSocket (RFC 8441) bridge, before its codec. */
    static final String WEBSOCKET_H2 = "h2-websocket";
    /** An HTTP/2 stream's adapter between its codec and the connection handler. */
    static final String H2_ADAPTER = "h2-messages";

    static final String FLOW = "flow";
    static final String CLIENT = "client";
    static final String BACKEND = "backend";
    static final String TUNNEL = "tunnel";

    private HandlerNames() {}
}
