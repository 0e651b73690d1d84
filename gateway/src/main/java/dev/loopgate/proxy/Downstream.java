package dev.loopgate.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client side of one exchange, as the exchange sees it, whatever the client's protocol: where the response goes
 * and how the exchange tells that it ended. Today an HTTP/1.1 connection ({@code ClientConnection}); an HTTP/2 stream
 * implements the same. Everything is called on {@link #eventLoop()}, which is also the backend connection's.
 */
interface Downstream {
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Whether the client takes more now; when it becomes writable again the exchange hears of it. */
    boolean isWritable();

    /** A 1xx response, sent at once. Never called for a client that cannot take one (HTTP/1.0). */
    void sendInterim(HttpResponse informational);

    /** The final response's head; sent with the next flush. */
    void sendHead(HttpResponse head);

    /** A piece of the response body (the last one ends it); takes ownership. A failed write closes the client. */
    void sendContent(HttpContent content);

    void flush();

    /** Asks for the next piece of the request body. */
    void readBody();

    /** The response went out whole; {@code keepAlive}: the client may send another request. */
    void completed(boolean keepAlive);

    /** The exchange failed before any of the response went out: loopgate answers with {@code problem} instead. */
    void answer(Problem problem, boolean keepAlive);

    /** The exchange broke after the response started: the client must see it end without a proper end. */
    void reset();

    /** The backend accepted a WebSocket upgrade: from now on both sides relay raw bytes. */
    void upgraded(Channel backend);
}
