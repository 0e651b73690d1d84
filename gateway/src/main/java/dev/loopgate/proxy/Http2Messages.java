package dev.loopgate.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Makes a stream's HTTP objects look like an HTTP/1.1 connection's to the rest of the gateway, and the gateway's look
 * right to HTTP/2: the conversion's own {@code x-http2-*} headers never reach a backend, and a 1xx response (which an
 * exchange sends as a head and an empty last part, as on HTTP/1.1) goes out as one HEADERS frame that does not end
 * the stream.
 */
final class Http2Messages extends ChannelDuplexHandler {
    private boolean inInterim;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                req.headers().remove(n.text());
            }
            if (req.headers().contains(HttpHeaderNames.UPGRADE)) {
                // Only WebSocketOverHttp2 makes an h2 request with Upgrade (HTTP/2 clients may not send one); the
                // conversion drops its Connection header as it marks the message keep-alive.
                req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            }
        }
        if (msg instanceof FullHttpRequest full) {
            // A request that ended with its HEADERS frame: a head and an end, as HTTP/1.1's decoder delivers them.
            ctx.fireChannelRead(
                    new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers()));
            ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res
                && res.status().codeClass() == HttpStatusClass.INFORMATIONAL
                && res.status().code() != 101
                && !(res instanceof FullHttpResponse)) {
            FullHttpResponse full = new DefaultFullHttpResponse(res.protocolVersion(), res.status());
            full.headers().set(res.headers());
            inInterim = true;
            ctx.write(full, promise);
            return;
        }
        if (inInterim && msg instanceof HttpContent c) {
            inInterim = !(c instanceof LastHttpContent);
            c.release();
            promise.setSuccess();
            return;
        }
        ctx.write(msg, promise);
    }
}
