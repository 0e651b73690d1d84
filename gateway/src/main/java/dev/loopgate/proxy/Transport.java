package dev.loopgate.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport, decided in one place: epoll on Linux, else NIO; {@code LOOPGATE_TRANSPORT=io_uring|epoll|nio}
 * chooses, and a choice that cannot load here falls back to that order. io_uring is not the default: in the bench it
 * halved throughput for 64 KiB responses at 1000 connections while it improved small-body tails
 * (docs/performance.md).
 */
public record Transport(
        String name,
        IoHandlerFactory ioHandlers,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel,
        Class<? extends DatagramChannel> datagramChannel,
        Class<? extends Channel> domainSocketChannel) {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** Every transport loopgate knows, the default order first. */
    static final List<String> NAMES = List.of("epoll", "nio", "io_uring");

    public static Transport best() {
        return best(System.getenv("LOOPGATE_TRANSPORT"));
    }

    /** The named transport if it loads here, else epoll, else NIO. */
    static Transport best(String wanted) {
        String chosen = wanted == null ? "" : wanted.trim().toLowerCase(Locale.ROOT);
        List<String> order = new ArrayList<>();
        if (!chosen.isEmpty()) {
            order.add(chosen);
        }
        order.addAll(List.of("epoll", "nio"));
        for (String name : order) {
            Transport t = named(name);
            if (t != null) {
                if (!chosen.isEmpty() && !name.equals(chosen)) {
                    log.warn("LOOPGATE_TRANSPORT={}: {}; using {}", wanted, whyNot(chosen), name);
                }
                return t;
            }
        }
        throw new AssertionError("NIO is always available");
    }

    static String whyNot(String name) {
        if (!NAMES.contains(name)) {
            return "not one of " + String.join(", ", NAMES);
        }
        return name.equals("io_uring")
                ? "io_uring cannot run here: " + IoUring.unavailabilityCause()
                : name + " cannot run here";
    }

    /** The transport of that name, or null when it cannot run here (no native library, a kernel or seccomp refusal). */
    public static Transport named(String name) {
        return switch (name) {
            case "io_uring" -> IoUring.isAvailable()
                    ? new Transport(
                            name,
                            IoUringIoHandler.newFactory(),
                            IoUringServerSocketChannel.class,
                            IoUringSocketChannel.class,
                            IoUringDatagramChannel.class,
                            IoUringDomainSocketChannel.class)
                    : null;
            case "epoll" -> Epoll.isAvailable()
                    ? new Transport(
                            name,
                            EpollIoHandler.newFactory(),
                            EpollServerSocketChannel.class,
                            EpollSocketChannel.class,
                            EpollDatagramChannel.class,
                            EpollDomainSocketChannel.class)
                    : null;
            case "nio" -> new Transport(
                    name,
                    NioIoHandler.newFactory(),
                    NioServerSocketChannel.class,
                    NioSocketChannel.class,
                    NioDatagramChannel.class,
                    NioDomainSocketChannel.class);
            default -> null;
        };
    }

    /** The address of a unix domain socket, as this transport's domain socket channel takes it. */
    public SocketAddress domainSocket(String path) {
        return !name.equals("nio") ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }

    EventLoopGroup newGroup(int threads, String threadName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true), ioHandlers);
    }
}
