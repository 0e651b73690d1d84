package dev.loopgate.proxy;

import dev.loopgate.config.IpLiteral;
import dev.loopgate.diagnostics.Loopback;
import dev.loopgate.routing.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Hands out backend connections on the caller's event loop: an idle pooled one when there is one, else a new one.
 * A {@code localhost} backend is dialled on 127.0.0.1 and ::1, the one that answered last first.
 */
final class BackendConnector implements Backends {

    private final Transport transport;
    private final NameResolvers resolvers;
    private final LongSupplier idleTimeoutNanos;
    private final ConcurrentHashMap<EventLoop, BackendPool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> idle = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> active =
            new ConcurrentHashMap<>();

    BackendConnector(Transport transport, NameResolvers resolvers, LongSupplier idleTimeoutNanos) {
        this.transport = transport;
        this.resolvers = resolvers;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void acquire(Backend backend, EventLoop loop, int connectTimeoutMillis, boolean allowPooled, Callback cb) {
        BackendPool pool = pool(loop);
        if (allowPooled) {
            Channel ch = pool.poll(backend.url().authority());
            if (ch != null) {
                cb.connected(ch, true);
                return;
            }
        }
        connect(pool.bootstrap(connectTimeoutMillis), backend, addresses(backend), 0, null, cb);
    }

    /** Returns a connection whose exchange completed cleanly to the pool of its own event loop. */
    @Override
    public void release(Backend backend, Channel ch) {
        pool(ch.eventLoop()).offer(backend.url().authority(), ch);
    }

    /** Closes the idle connections of every loop's pool; in-use ones close as their exchanges end. */
    void closeIdle() {
        pools.forEach((loop, pool) -> {
            if (!loop.isShuttingDown()) {
                loop.execute(pool::closeAll);
            }
        });
    }

    /** Tries a plain TCP connect to {@code address} and reports whether anything accepted it. */
    void probe(
            EventLoop loop, InetSocketAddress address, int timeoutMillis, java.util.function.Consumer<Boolean> result) {
        new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                .connect(address)
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        f.channel().close();
                    }
                    result.accept(f.isSuccess());
                });
    }

    /** Idle pooled connections to a backend address ({@code host:port}), across loops. */
    int idleTo(String authority) {
        var n = idle.get(authority);
        return n == null ? 0 : n.get();
    }

    /** Backend connections in use by a service's exchanges. */
    int activeFor(String service) {
        var n = active.get(service);
        return n == null ? 0 : n.get();
    }

    @Override
    public void countActive(String service, int delta) {
        var n = active.get(service);
        if (n == null) {
            n = active.computeIfAbsent(service, s -> new java.util.concurrent.atomic.AtomicInteger());
        }
        n.addAndGet(delta);
    }

    /** Closes idle connections to one backend address in every loop's pool. */
    void closeIdle(String authority) {
        pools.forEach((loop, pool) -> {
            if (!loop.isShuttingDown()) {
                loop.execute(() -> pool.closeIdle(authority));
            }
        });
    }

    /** Idle pooled connections across all loops; for tests and diagnostics, read on each loop. */
    int idleCount() {
        int n = 0;
        for (var e : pools.entrySet()) {
            try {
                n += e.getKey().submit(e.getValue()::idleCount).get();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
        return n;
    }

    private BackendPool pool(EventLoop loop) {
        BackendPool p = pools.get(loop);
        if (p == null) {
            p = pools.computeIfAbsent(loop, this::newPool);
        }
        p.idleTimeoutNanos(idleTimeoutNanos.getAsLong());
        return p;
    }

    private BackendPool newPool(EventLoop loop) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpDecoderConfig config = new HttpDecoderConfig()
                                .setMaxInitialLineLength(16 * 1024)
                                .setMaxHeaderSize(256 * 1024)
                                .setMaxChunkSize(64 * 1024);
                        ch.pipeline()
                                .addLast(HandlerNames.CODEC, new BackendCodec(config))
                                .addLast(HandlerNames.BACKEND, new BackendConnection());
                    }
                });
        return new BackendPool(loop, b, idleTimeoutNanos.getAsLong(), idle);
    }

    static List<InetSocketAddress> addresses(Backend backend) {
        return addresses(backend.url(), backend.preferIpv6());
    }

    /** Where to dial a backend URL: {@code localhost} on both loopback addresses, the preferred one first. */
    static List<InetSocketAddress> addresses(dev.loopgate.config.BackendUrl url, boolean preferIpv6) {
        int port = url.port();
        List<InetSocketAddress> out = new ArrayList<>(2);
        if (url.isLocalhostName()) {
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            InetSocketAddress v6 = new InetSocketAddress(Loopback.IPV6, port);
            out.add(preferIpv6 ? v6 : v4);
            out.add(preferIpv6 ? v4 : v6);
        } else if (IpLiteral.is(url.host())) {
            out.add(new InetSocketAddress(IpLiteral.parse(url.host()), port));
        } else {
            out.add(InetSocketAddress.createUnresolved(url.host(), port));
        }
        return out;
    }

    /** Loopback literals connect as they are; only a name needs the (non-blocking) resolver. */
    private Bootstrap resolving(Bootstrap b, InetSocketAddress address) {
        return address.isUnresolved() ? b.clone().resolver(resolvers.group()) : b;
    }

    private void connect(
            Bootstrap b, Backend backend, List<InetSocketAddress> addrs, int i, Throwable earlier, Callback cb) {
        resolving(b, addrs.get(i)).connect(addrs.get(i)).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                if (i > 0) {
                    backend.preferIpv6(!backend.preferIpv6());
                }
                cb.connected(f.channel(), false);
            } else if (i + 1 < addrs.size()) {
                connect(b, backend, addrs, i + 1, f.cause(), cb);
            } else {
                cb.failed(earlier instanceof ConnectTimeoutException ? earlier : f.cause());
            }
        });
    }
}
