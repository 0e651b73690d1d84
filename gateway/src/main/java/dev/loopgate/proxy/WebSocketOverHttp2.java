package dev.loopgate.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Base64;
import java.util.Map;

/**
 * WebSocket over HTTP/2 (RFC 8441) to HTTP/1.1 backends. A browser on an h2 connection opens a WebSocket with an
 * extended CONNECT ({@code :protocol websocket}); the backend expects an HTTP/1.1 Upgrade. So the CONNECT becomes a
 * GET with {@code Upgrade: websocket} and a fresh key, the backend's 101 becomes the 200 RFC 8441 asks for, and from
 * then on the stream's DATA frames carry the WebSocket's bytes, unchanged, both ways. Other streams pass untouched.
 */
final class WebSocketOverHttp2 extends ChannelDuplexHandler {
    private static final AsciiString PROTOCOL = Http2Headers.PseudoHeaderName.PROTOCOL.value();

    private boolean webSocket;
    private boolean tunnel;
    private boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            relayInbound(ctx, msg);
            return;
        }
        if (msg instanceof Http2HeadersFrame f && isExtendedConnect(f.headers())) {
            if (!AsciiString.contentEqualsIgnoreCase("websocket", f.headers().get(PROTOCOL))) {
                ReferenceCountUtil.release(f);
                refuse(ctx, "501");
                return;
            }
            webSocket = true;
            // The handshake request has no body: the stream stays open for the WebSocket's bytes instead.
            ctx.fireChannelRead(new DefaultHttp2HeadersFrame(asUpgrade(f.headers()), true).stream(f.stream()));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isExtendedConnect(Http2Headers h) {
        return HttpMethod.CONNECT.asciiName().contentEquals(h.method()) && h.contains(PROTOCOL);
    }

    private static Http2Headers asUpgrade(Http2Headers connect) {
        Http2Headers out = new DefaultHttp2Headers(false);
        for (Map.Entry<CharSequence, CharSequence> e : connect) {
            CharSequence name = e.getKey();
            if (!PROTOCOL.contentEquals(name)
                    && !Http2Headers.PseudoHeaderName.METHOD.value().contentEquals(name)) {
                out.add(name, e.getValue());
            }
        }
        // The key only proves to this hop that the backend speaks WebSocket (RFC 6455 §4.1); it guards nothing, and
        // a SecureRandom here would read /dev/urandom on the event loop.
        byte[] key = new byte[16];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
        return out.method(HttpMethod.GET.asciiName())
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, Base64.getEncoder().encodeToString(key));
    }

    private static void refuse(ChannelHandlerContext ctx, String status) {
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void relayInbound(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            boolean last = data.isEndStream();
            ByteBuf bytes = data.content().retain();
            data.release();
            ctx.fireChannelRead(bytes);
            if (last) {
                // The client ended its side: the WebSocket is over (the backend's side is closed after a flush).
                ctx.fireChannelReadComplete();
                ctx.close();
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (webSocket && !tunnel && msg instanceof Http2HeadersFrame f && isSwitching(f.headers())) {
            tunnel = true;
            Http2Headers ok = new DefaultHttp2Headers().status("200");
            for (Map.Entry<CharSequence, CharSequence> e : f.headers()) {
                if (!isHandshakeOnly(e.getKey())) {
                    ok.add(e.getKey(), e.getValue());
                }
            }
            ctx.write(new DefaultHttp2HeadersFrame(ok, false).stream(f.stream()), promise);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            if (!bytes.isReadable() || ended) {
                bytes.release();
                promise.setSuccess();
                return;
            }
            ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private static boolean isSwitching(Http2Headers h) {
        return h.status() != null && AsciiString.contentEquals(h.status(), "101");
    }

    private static boolean isHandshakeOnly(CharSequence name) {
        return name.length() > 0 && name.charAt(0) == ':'
                || HttpHeaderNames.SEC_WEBSOCKET_ACCEPT.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (tunnel && !ended && ctx.channel().isActive()) {
            // The backend closed the WebSocket: end the stream cleanly rather than with a reset.
            ended = true;
            ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
        }
        ctx.close(promise);
    }
}
