package dev.loopgate.proxy;

import dev.loopgate.routing.Backend;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * Where an exchange gets its backend connections and gives them back: the pool and connector in the gateway
 * ({@link BackendConnector}), a stand-in that hands out {@code EmbeddedChannel}s in the exchange's tests.
 */
interface Backends {
    /** A connection to {@code backend} on {@code loop}: a pooled one if allowed and idle, else a new one. */
    void acquire(Backend backend, EventLoop loop, int connectTimeoutMillis, boolean allowPooled, Callback cb);

    /** Returns a connection whose exchange ended cleanly. */
    void release(Backend backend, Channel ch);

    /** Counts a service's connections in use (for metrics). */
    void countActive(String service, int delta);

    /** What a caller of {@link #acquire} hears back; always on its own event loop. */
    interface Callback {
        void connected(Channel ch, boolean reused);

        void failed(Throwable cause);
    }
}
