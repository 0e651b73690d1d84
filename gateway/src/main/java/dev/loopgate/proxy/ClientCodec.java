package dev.loopgate.proxy;

import dev.loopgate.config.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client side's HTTP/1.1 codec: Netty's strict request decoder plus two things it does not do — reject
 * obs-fold and a first header line that starts with whitespace (RFC 9112 §5.2, §2.2), and remember request methods
 * so that a response to {@code HEAD} is encoded without a body, as {@code HttpServerCodec} does.
 */
final class ClientCodec extends CombinedChannelDuplexHandler<ClientCodec.RequestDecoder, ClientCodec.ResponseEncoder> {

    ClientCodec(Limits limits) {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setInitialBufferSize(256);
        init(new RequestDecoder(config, methods), new ResponseEncoder(methods));
    }

    /** Whether part of a request head has arrived but not all of it (a slow client, answered 408 on timeout). */
    boolean hasPartialRequestHead() {
        return inboundHandler().hasBufferedBytes();
    }

    /** The strict request decoder. */
    static final class RequestDecoder extends HttpRequestDecoder {
        private final ArrayDeque<HttpMethod> methods;
        private boolean atMessageStart = true;
        private boolean inHead;
        private boolean rejected;

        RequestDecoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
            super(config);
            this.methods = methods;
        }

        boolean hasBufferedBytes() {
            ByteBuf buffered = internalBuffer();
            return inHead || buffered != null && buffered.isReadable();
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (rejected) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (atMessageStart && hasFoldedHeaderLine(buffer, inHead)) {
                rejected = true;
                buffer.skipBytes(buffer.readableBytes());
                out.add(invalid("obs-fold or a header line starting with whitespace (RFC 9112 §5.2)"));
                return;
            }
            int start = buffer.readerIndex();
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpRequest request) {
                    methods.add(request.method());
                    atMessageStart = false;
                    inHead = false;
                }
                if (msg instanceof LastHttpContent) {
                    atMessageStart = true;
                }
            }
            if (atMessageStart && out.size() == before && buffer.readerIndex() > start) {
                inHead = true;
            }
        }

        /**
         * Scans the unread part of a request head for a line that begins with SP or HTAB. The decoder consumes a
         * head line by line, so when part of it was consumed already ({@code resumed}), the first unread byte starts
         * a header line too. Runs only while the decoder waits for a head, so body bytes are never scanned.
         */
        private static boolean hasFoldedHeaderLine(ByteBuf buf, boolean resumed) {
            int end = buf.writerIndex();
            int i = buf.readerIndex();
            if (resumed && i < end && isBlank(buf.getByte(i))) {
                return true;
            }
            while (!resumed && i < end && (buf.getByte(i) == '\r' || buf.getByte(i) == '\n')) {
                i++;
            }
            while (i < end) {
                int lf = buf.indexOf(i, end, (byte) '\n');
                if (lf < 0 || lf + 1 >= end) {
                    return false;
                }
                byte b = buf.getByte(lf + 1);
                if (b == '\r' || b == '\n') {
                    return false;
                }
                if (isBlank(b)) {
                    return true;
                }
                i = lf + 1;
            }
            return false;
        }

        /**
         * Checks the request line as sent, before Netty normalises it: the version is case-sensitive (RFC 9112 §2.3;
         * Netty upper-cases {@code http/1.1}), and the target may hold no control characters (RFC 9112 §3.2) — a NUL
         * or ESC would otherwise reach the backend and the access log.
         */
        @Override
        protected io.netty.handler.codec.http.HttpMessage createMessage(String[] initialLine) throws Exception {
            if (!initialLine[2].startsWith("HTTP/")) {
                throw new IllegalArgumentException("the HTTP version '" + printable(initialLine[2])
                        + "' must be written in capitals, e.g. HTTP/1.1");
            }
            String target = initialLine[1];
            for (int i = 0; i < target.length(); i++) {
                char c = target.charAt(i);
                if (c < 0x21 || c == 0x7f) {
                    throw new IllegalArgumentException("the request target contains a control character ("
                            + String.format("0x%02x", (int) c) + "); encode it as %" + String.format("%02X", (int) c));
                }
            }
            return super.createMessage(initialLine);
        }

        private static String printable(String s) {
            return AccessLog.printable(s.length() > 16 ? s.substring(0, 16) + "…" : s);
        }

        private static boolean isBlank(byte b) {
            return b == ' ' || b == '\t';
        }

        private static HttpRequest invalid(String why) {
            HttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
            req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
            return req;
        }
    }

    /** The response encoder, which encodes responses to {@code HEAD} without a body. */
    static final class ResponseEncoder extends HttpResponseEncoder {
        private final ArrayDeque<HttpMethod> methods;

        ResponseEncoder(ArrayDeque<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg);
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
