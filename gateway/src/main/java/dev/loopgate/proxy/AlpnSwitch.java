package dev.loopgate.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, sets up the protocol the client and loopgate agreed on (ALPN): HTTP/2 streams, each with
 * the same request handling as an HTTP/1.1 connection, or HTTP/1.1 itself. A failed handshake is counted by reason.
 */
final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnSwitch.class);
    /** Streams one client may have open at once (nginx's default too); a page of 300 modules queues the rest. */
    static final int MAX_CONCURRENT_STREAMS = 128;
    /** What a stream may send before loopgate has passed it on: the request body's backpressure. */
    static final int STREAM_WINDOW = 256 * 1024;

    private final GatewayContext gateway;
    /** A refused name is reported more than once as the hello is re-read: counted once per connection. */
    private boolean failureCounted;

    AlpnSwitch(GatewayContext gateway) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.gateway = gateway;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        ChannelPipeline p = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            p.addLast(HandlerNames.H2, http2Codec());
            p.addLast(new Http2MultiplexHandler(new Http2StreamInitializer(gateway)));
            p.addLast(new ConnectionErrors());
            // Flow control windows hold each stream back; the connection itself is always read.
            ctx.channel().config().setAutoRead(true);
            return;
        }
        p.addLast(HandlerNames.CODEC, new ClientCodec(gateway.config().limits()))
                .addLast(HandlerNames.FLOW, new FlowControlHandler())
                .addLast(HandlerNames.CLIENT, new ClientConnection(gateway, ClientProtocol.HTTPS1));
    }

    private Http2FrameCodec http2Codec() {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(gateway.config().limits().maxHeaderSize())
                .initialWindowSize(STREAM_WINDOW)
                // RFC 8441: browsers open WebSockets (Vite's HMR) on the h2 connection with an extended CONNECT.
                .connectProtocolEnabled(true);
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(
                        gateway.config().timeouts().shutdown().toMillis())
                .build();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent sni && !sni.isSuccess() && !failureCounted) {
            failureCounted = true;
            gateway.observer().handshakeFailed("name");
            log.debug("{} TLS: {}", ctx.channel(), sni.cause().getMessage());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        String reason = reason(cause);
        if (!failureCounted) {
            failureCounted = true;
            gateway.observer().handshakeFailed(reason);
        }
        log.debug("{} TLS handshake failed ({}): {}", ctx.channel(), reason, cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} TLS: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    /**
     * The end of an h2 connection's pipeline: a connection error (a flood refused with GOAWAY, a client gone) was
     * answered by the codec already; it is logged quietly here and the connection closed.
     */
    private static final class ConnectionErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{} HTTP/2 connection: {}", ctx.channel(), cause.toString());
            if (io.netty.handler.codec.http2.Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
                ctx.close();
            } // else the codec answers it (GOAWAY with the error, then close); closing first would send NO_ERROR
        }
    }

    /**
     * Why a handshake failed, in the words of {@code loopgate_tls_handshake_failures_total}: {@code untrusted} (the
     * client does not trust loopgate's root: {@code loopgate trust}), {@code protocol}, {@code timeout},
     * {@code not_tls}, or {@code other}.
     */
    static String reason(Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return "timeout";
        }
        if (cause instanceof NotSslRecordException) {
            return "not_tls";
        }
        String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("unknown_ca") || m.contains("certificate_unknown") || m.contains("bad_certificate")) {
            return "untrusted";
        }
        if (m.contains("protocol_version")
                || m.contains("cipher")
                || m.contains("no_application_protocol")
                || m.contains("handshake_failure")) {
            return "protocol";
        }
        return "other";
    }
}
