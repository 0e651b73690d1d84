package dev.loopgate.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 to a backend: Netty's response decoder and request encoder, paired as {@code HttpClientCodec} pairs them
 * (a response to HEAD has no body whatever its headers say), plus the one thing the pool must know and that codec
 * hides: whether bytes from the backend are left over once a response ended. Bytes beyond a response's end (past
 * its Content-Length, a body on a 204 or after HEAD) would be read as the start of the next response on that
 * connection — another client's — so such a connection is never reused.
 */
final class BackendCodec extends CombinedChannelDuplexHandler<BackendCodec.Decoder, BackendCodec.Encoder> {
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);

    BackendCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /** Whether the backend sent bytes that no message has consumed yet. */
    boolean hasLeftoverBytes() {
        return inboundHandler().leftover();
    }

    final class Decoder extends HttpResponseDecoder {
        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        boolean leftover() {
            return internalBuffer().isReadable();
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg);
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }

    final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest req) {
                methods.add(req.method());
            }
            super.encode(ctx, msg, out);
        }
    }
}
