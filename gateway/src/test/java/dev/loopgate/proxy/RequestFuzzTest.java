package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loopgate.config.Limits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * Request bytes from a client into loopgate's request decoder and rules. Whatever the bytes: no exception escapes,
 * nothing leaks (paranoid leak detection fails the run), and a request the rules let through is one the bar allows
 * to be forwarded — and once rewritten for the backend it carries no hop-by-hop field and one framing.
 */
class RequestFuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    @FuzzTest(maxDuration = "10s")
    void requestBytes(byte[] data) {
        if (data == null) {
            return;
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ClientCodec(Limits.DEFAULT));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(data));
            Object msg;
            boolean rejected = false;
            while ((msg = ch.readInbound()) != null) {
                try {
                    if (msg instanceof HttpRequest req && !rejected) {
                        RequestRules.Rejection r = RequestRules.check(req);
                        if (r == null) {
                            assertForwardable(req);
                        } else {
                            // Every rejection closes the connection: nothing after it is read.
                            rejected = true;
                        }
                    }
                    if (msg instanceof HttpContent c
                            && !rejected
                            && c.decoderResult().isFailure()) {
                        rejected = true;
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void assertForwardable(HttpRequest req) {
        assertThat(req.decoderResult().isSuccess()).isTrue();
        assertThat(req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                        && req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING))
                .as("Content-Length and Transfer-Encoding together")
                .isFalse();
        assertThat(req.headers().getAll(HttpHeaderNames.HOST)).hasSizeLessThanOrEqualTo(1);
        for (char c : req.uri().toCharArray()) {
            assertThat(c < 0x21 || c == 0x7f)
                    .as("control character in the target")
                    .isFalse();
        }
        RequestTarget target = RequestRules.isAsteriskOptions(req)
                ? new RequestTarget(null, "*", "*")
                : RequestTarget.parse(req.uri());
        assertThat(target).isNotNull();
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        HeaderRules.prepareRequest(
                req,
                new HeaderRules.Forwarding(
                        CLIENT, false, req.headers().get(HttpHeaderNames.HOST), 80, target.originForm(), null, "http"));
        for (CharSequence hop : new CharSequence[] {
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.PROXY_AUTHENTICATE
        }) {
            assertThat(req.headers().contains(hop))
                    .as("hop-by-hop %s forwarded", hop)
                    .isFalse();
        }
        assertThat(req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                        && req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING))
                .as("two framings forwarded")
                .isFalse();
        if (chunked) {
            assertThat(req.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualToIgnoringCase("chunked");
        }
    }
}
