package dev.loopgate.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/** Answers requests for the admin host, which the gateway serves itself rather than forwarding. */
public interface AdminRequests {
    /** A complete response for a request whose body (if any) is not needed. */
    FullHttpResponse handle(HttpRequest request, int gatewayPort, ByteBufAllocator alloc);
}
