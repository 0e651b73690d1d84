package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A small 403 held back from the client while loopgate reads whether it is a dev server refusing the host name
 * ({@link HostRejection}). It owns the body's buffers until it writes them on or is released.
 */
final class HeldResponse {
    /** What became of the held response after one more piece of its body. */
    enum Outcome {
        /** Still holding: the body has not ended and is short enough to be a refusal page. */
        HOLDING,
        /** Too long to be a refusal: what was held went to the client, and the rest streams on. */
        STREAMING,
        /** It ended and is not a refusal: it went to the client whole. */
        WRITTEN,
        /** It ended and is a refusal: nothing went to the client; {@link #refusal()} explains it instead. */
        REFUSAL
    }

    private final HttpResponse head;
    private final CompositeByteBuf body;
    private Problem refusal;

    HeldResponse(HttpResponse head, ByteBufAllocator alloc) {
        this.head = head;
        this.body = alloc.compositeBuffer();
    }

    /** Takes the content's bytes (the message is released) and decides, at the end or past the size limit. */
    Outcome take(HttpContent c, boolean last, Downstream client, AccessLog.Entry log, Backend backend) {
        body.addComponent(true, c.content().retain());
        c.release();
        if (!last) {
            if (body.readableBytes() <= HostRejection.MAX_BODY) {
                return Outcome.HOLDING;
            }
            log.addBytesOut(body.readableBytes());
            client.sendHead(head);
            client.sendContent(new DefaultHttpContent(body));
            return Outcome.STREAMING;
        }
        refusal = HostRejection.recognise(body.toString(StandardCharsets.UTF_8), log.host(), log.path(), backend);
        if (refusal != null) {
            body.release();
            return Outcome.REFUSAL;
        }
        log.addBytesOut(body.readableBytes());
        client.sendHead(head);
        client.sendContent(new DefaultLastHttpContent(body));
        return Outcome.WRITTEN;
    }

    Problem refusal() {
        return refusal;
    }

    void release() {
        body.release();
    }
}
