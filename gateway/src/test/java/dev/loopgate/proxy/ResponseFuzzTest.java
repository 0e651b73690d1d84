package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * Response bytes from a backend into the backend connection's decoder. Whatever the bytes: no exception escapes,
 * nothing leaks, and when a response ends "cleanly" — the test the pool applies before reusing the connection —
 * truly nothing follows it: no further message and no buffered byte that the next exchange would read as its own.
 */
class ResponseFuzzTest {
    /** Sees each message as the exchange does, and applies the pool's test at the end of the first response. */
    private static final class Observer extends ChannelInboundHandlerAdapter {
        boolean ended;
        boolean failed;
        boolean clean;
        int afterEnd;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ended) {
                    afterEnd++;
                    return;
                }
                if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                    failed = true;
                }
                if (msg instanceof LastHttpContent && !failed) {
                    ended = true;
                    clean = BackendConnection.endedCleanly(ctx.channel());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void responseBytes(byte[] data) {
        if (data == null || data.length == 0) {
            return;
        }
        Observer seen = new Observer();
        EmbeddedChannel ch = new EmbeddedChannel(
                new BackendCodec(new HttpDecoderConfig().setMaxHeaderSize(8192).setMaxChunkSize(4096)), seen);
        try {
            HttpMethod method = (data[0] & 1) == 0 ? HttpMethod.GET : HttpMethod.HEAD;
            ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
            ch.releaseOutbound();
            // In one read: the pool's test at the end of the response sees whatever came with it.
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 1, data.length)));
            if (seen.clean) {
                assertThat(seen.afterEnd)
                        .as("a response judged clean was followed by a message the next exchange would read")
                        .isZero();
                assertThat(ch.pipeline().get(BackendCodec.class).hasLeftoverBytes())
                        .as("a response judged clean left bytes in the decoder")
                        .isFalse();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
