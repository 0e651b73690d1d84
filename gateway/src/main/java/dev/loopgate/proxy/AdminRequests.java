package dev.loopgate.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/** Answers requests for the admin host, which the gateway serves itself rather than forwarding. */
public interface AdminRequests {
    /** The largest request body the admin host reads; larger ones get 413. */
    int MAX_BODY = 64 * 1024;

    /**
     * A complete response to one request.
     *
     * @param body the whole request body (empty when there was none); the caller keeps ownership and releases it
     */
    FullHttpResponse handle(HttpRequest request, ByteBuf body, int gatewayPort, ByteBufAllocator alloc);

    /**
     * A live server-sent event stream for this request, or {@code null} when it is not one the admin host may open
     * (then {@link #handle} answers it, with the reason).
     */
    Stream openStream(HttpRequest request);

    /** An open event stream: asked for what to send every {@link #TICK_MILLIS} on the connection's event loop. */
    interface Stream {
        long TICK_MILLIS = 500;

        /** The event text to send now, or {@code null} when there is nothing new. */
        String next(int gatewayPort);
    }
}
