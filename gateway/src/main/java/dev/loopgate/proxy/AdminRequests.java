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
}
