package dev.loopgate.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A small response held back from the client while loopgate looks at its body ({@link HostRejection}). It owns the
 * body's buffers until {@link #writeTo} hands them on or {@link #release} drops them.
 */
final class HeldResponse {
    private final HttpResponse head;
    private final CompositeByteBuf body;

    HeldResponse(HttpResponse head, ByteBufAllocator alloc) {
        this.head = head;
        this.body = alloc.compositeBuffer();
    }

    /** Takes the content's bytes; the caller's message is released. */
    void add(HttpContent c) {
        body.addComponent(true, c.content().retain());
        c.release();
    }

    int size() {
        return body.readableBytes();
    }

    String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Writes the whole response: head and the body, which ended. */
    void writeTo(Downstream client) {
        client.sendHead(head);
        client.sendContent(new DefaultLastHttpContent(body));
    }

    /** Writes the head and what was held so far; the rest of the body follows as it arrives. */
    void writeStartTo(Downstream client) {
        client.sendHead(head);
        client.sendContent(new DefaultHttpContent(body));
    }

    void release() {
        body.release();
    }
}
