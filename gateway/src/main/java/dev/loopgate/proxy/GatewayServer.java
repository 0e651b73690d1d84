package dev.loopgate.proxy;

import dev.loopgate.config.ListenAddress;
import dev.loopgate.diagnostics.PortOwner;
import dev.loopgate.routing.Routes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's listening socket and event loops. One event-loop group serves clients and backends alike, so a
 * backend connection always lives on its client connection's loop.
 */
public final class GatewayServer implements AutoCloseable {
    /** The port a default (port 80) start falls back to when the OS refuses port 80 for lack of privilege. */
    public static final int FALLBACK_PORT = 8080;
    /** The port a default (port 443) HTTPS start falls back to, as 80 falls back to {@link #FALLBACK_PORT}. */
    public static final int HTTPS_FALLBACK_PORT = 8443;

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final EventLoopGroup group;
    /** One loop that carries no client traffic: health probes and the Docker Engine's socket. */
    private final EventLoopGroup controlGroup;

    private final Channel serverChannel;
    private final GatewayContext gateway;
    private final Transport transport;
    private final NameResolvers resolvers;
    private final String fallbackNote;
    private final io.netty.channel.EventLoop healthLoop;
    private final ServerBootstrap bootstrap;
    private volatile Channel httpsChannel;

    private GatewayServer(
            EventLoopGroup group,
            EventLoopGroup controlGroup,
            Channel serverChannel,
            GatewayContext gateway,
            Transport transport,
            NameResolvers resolvers,
            String fallbackNote,
            ServerBootstrap bootstrap) {
        this.bootstrap = bootstrap;
        this.resolvers = resolvers;
        this.group = group;
        this.controlGroup = controlGroup;
        this.serverChannel = serverChannel;
        this.gateway = gateway;
        this.transport = transport;
        this.fallbackNote = fallbackNote;
        this.healthLoop = controlGroup.next();
    }

    /**
     * Binds and starts serving. With {@code mayFallBack}, a refused privileged port 80 becomes {@link #FALLBACK_PORT}
     * (reported by {@link #fallbackNote()}); a port in use is always an error that names its holder.
     */
    public static GatewayServer start(Routes routes, ListenAddress listen, boolean mayFallBack, AdminRequests admin)
            throws StartException {
        return start(routes, listen, mayFallBack, admin, ExchangeObserver.NONE);
    }

    public static GatewayServer start(
            Routes routes, ListenAddress listen, boolean mayFallBack, AdminRequests admin, ExchangeObserver observer)
            throws StartException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(Runtime.getRuntime().availableProcessors(), "loopgate");
        ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        NameResolvers resolvers = new NameResolvers(transport);
        GatewayContext gateway = new GatewayContext(
                routes,
                new BackendConnector(
                        transport,
                        resolvers,
                        () -> routes.current().config().timeouts().backendIdle().toNanos()),
                admin,
                clients,
                observer);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                // Room for a burst of new connections (a page opening many at once, a load test's thousand): a full
                // queue drops SYNs, which clients retry only after a second. The kernel caps it at somaxconn.
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ClientInitializer(gateway));
        try {
            String note = null;
            Channel ch;
            try {
                ch = bind(bootstrap, listen);
            } catch (IOException e) {
                if (!(mayFallBack && listen.port() == 80 && isPermissionDenied(e))) {
                    throw explain(listen, e);
                }
                ListenAddress fallback = listen.withPort(FALLBACK_PORT);
                try {
                    ch = bind(bootstrap, fallback);
                } catch (IOException e2) {
                    throw explain(fallback, e2);
                }
                note = "port 80 needs privileges, so loopgate listens on " + FALLBACK_PORT + " instead. To use port 80:"
                        + "\n  sudo setcap cap_net_bind_service=+ep \"$(readlink -f \"$(command -v java)\")\""
                        + "\n  or: sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80";
            }
            gateway.port(((InetSocketAddress) ch.localAddress()).getPort());
            if (!listen.isLoopback() && !"1".equals(System.getenv("LOOPGATE_CONTAINER"))) {
                log.warn(
                        "listening on {}: other machines on your network can reach every dev server routed here",
                        listen);
            }
            log.debug("transport {}", transport.name());
            return new GatewayServer(
                    group,
                    transport.newGroup(1, "loopgate-control"),
                    ch,
                    gateway,
                    transport,
                    resolvers,
                    note,
                    bootstrap);
        } catch (StartException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            gateway.control().shutdownNow();
            throw e;
        }
    }

    private static Channel bind(ServerBootstrap bootstrap, ListenAddress listen) throws IOException {
        InetSocketAddress address;
        try {
            address = listen.toSocketAddress();
        } catch (UnknownHostException e) {
            throw new IOException("unknown address " + listen.host(), e);
        }
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    static boolean isPermissionDenied(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Permission denied") || m.contains("Operation not permitted");
    }

    static boolean isInUse(IOException e) {
        return String.valueOf(e.getMessage()).contains("Address already in use");
    }

    private static StartException explain(ListenAddress listen, IOException e) {
        if (isInUse(e)) {
            return new StartException(
                    "cannot listen on " + listen + ": the port is already in use by "
                            + PortOwner.describe(listen.port()) + ". Stop it, or start loopgate with --port N.",
                    e);
        }
        if (isPermissionDenied(e)) {
            return new StartException(
                    "cannot listen on " + listen + ": permission denied. Ports below 1024 need"
                            + " privileges: use --port 8080, or sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80",
                    e);
        }
        return new StartException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }

    /**
     * Starts serving HTTPS (HTTP/2 and HTTP/1.1) on {@code listen}, certificates from {@code certificates}. When the
     * port was not chosen ({@code chosen} false), a refused 443 falls back to {@link #HTTPS_FALLBACK_PORT}, and a port
     * in use leaves HTTPS off: the result says why and how to fix it, and plain HTTP serves on. A chosen port that
     * cannot be had is an error, as for HTTP.
     */
    public HttpsStart listenHttps(
            ListenAddress listen,
            boolean chosen,
            io.netty.util.AsyncMapping<String, io.netty.handler.ssl.SslContext> certificates)
            throws StartException {
        ServerBootstrap tls = bootstrap.clone().childHandler(new SecureInitializer(gateway, certificates));
        try {
            return started(bind(tls, listen), null);
        } catch (IOException e) {
            if (chosen) {
                throw explainHttps(listen, e);
            }
            if (isInUse(e)) {
                return HttpsStart.off(listen, e);
            }
            if (!(listen.port() == 443 && isPermissionDenied(e))) {
                throw explainHttps(listen, e);
            }
        }
        ListenAddress fallback = listen.withPort(HTTPS_FALLBACK_PORT);
        try {
            return started(
                    bind(tls, fallback),
                    "port 443 needs privileges, so HTTPS is on " + HTTPS_FALLBACK_PORT + ". To use 443:"
                            + "\n  sudo setcap cap_net_bind_service=+ep \"$(readlink -f \"$(command -v java)\")\""
                            + "\n  or: sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80");
        } catch (IOException e) {
            return HttpsStart.off(fallback, e);
        }
    }

    private HttpsStart started(Channel ch, String note) {
        httpsChannel = ch;
        int p = ((InetSocketAddress) ch.localAddress()).getPort();
        gateway.httpsPort(p);
        return new HttpsStart(p, note);
    }

    private static StartException explainHttps(ListenAddress listen, IOException e) {
        StartException plain = explain(listen, e);
        return new StartException(
                plain.getMessage()
                        .replace("--port N", "--https-port N (0 turns HTTPS off)")
                        .replace("cannot listen on", "cannot serve HTTPS on"),
                e);
    }

    /**
     * How HTTPS started: its port, and a note when it is elsewhere than asked or off.
     *
     * @param port the HTTPS port, 0 when HTTPS is off
     */
    public record HttpsStart(int port, String note) {
        static HttpsStart off(ListenAddress listen, IOException e) {
            String why = isInUse(e)
                    ? "port " + listen.port() + " is in use by " + PortOwner.describe(listen.port())
                    : e.getMessage();
            return new HttpsStart(
                    0,
                    "HTTPS is off: " + why + ". Stop it, or start loopgate with --https-port N (e.g. 9443)"
                            + " or set https.listen in the config.");
        }
    }

    /** The HTTPS port, 0 when HTTPS is off. */
    public int httpsPort() {
        return gateway.httpsPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** What this server's connections share; for tests in this package. */
    /** Where requests for services with a command start that command ({@link OnDemand#NONE} until set). */
    public void onDemand(dev.loopgate.process.OnDemand onDemand) {
        gateway.onDemand(onDemand);
    }

    GatewayContext context() {
        return gateway;
    }

    public int port() {
        return address().getPort();
    }

    /** Why the gateway listens somewhere other than asked, with the fixes; {@code null} when it does not. */
    public String fallbackNote() {
        return fallbackNote;
    }

    /**
     * The event loop that runs health checks (and the Docker provider's socket): its own, not one that serves
     * clients, so that probes and Engine events never wait behind proxied traffic or add to its latency.
     */
    public io.netty.channel.EventLoop healthLoop() {
        return healthLoop;
    }

    public dev.loopgate.health.Prober prober() {
        return new HealthProber(transport, resolvers, healthLoop);
    }

    /** The transport, for other clients that run on the gateway's loops (the Docker provider's socket). */
    public Transport transport() {
        return transport;
    }

    public String transportName() {
        return transport.name();
    }

    /** Open client connections. */
    public int clientConnections() {
        return gateway.clients().size();
    }

    /** Backend connections in use by a service's exchanges. */
    public int activeBackendConnections(String service) {
        return gateway.connector().activeFor(service);
    }

    /** Idle pooled connections to a backend address ({@code host:port}). */
    public int idleBackendConnections(String authority) {
        return gateway.connector().idleTo(authority);
    }

    /** Idle pooled backend connections right now (for tests and diagnostics). */
    int idleBackendConnections() {
        return gateway.connector().idleCount();
    }

    /** Closes idle pooled connections to one backend ({@code host:port}), e.g. after it was deregistered. */
    public void closeIdleBackendConnections(String authority) {
        gateway.connector().closeIdle(authority);
    }

    /** Stops accepting, lets in-flight exchanges finish up to the configured deadline, then closes everything. */
    @Override
    public void close() {
        close(gateway.config().timeouts().shutdown());
    }

    public void close(Duration deadline) {
        serverChannel.close().syncUninterruptibly();
        Channel https = httpsChannel;
        if (https != null) {
            https.close().syncUninterruptibly();
        }
        gateway.startDraining();
        ChannelGroup clients = gateway.clients();
        for (Channel ch : clients) {
            ch.eventLoop().execute(() -> {
                if (ch.pipeline().get(HandlerNames.CLIENT) instanceof ClientConnection c) {
                    c.drain();
                } else if (ch.pipeline().get(HandlerNames.H2) != null) {
                    // HTTP/2 closes gracefully: GOAWAY, then the streams in progress may finish.
                    ch.close();
                }
            });
        }
        boolean drained = clients.newCloseFuture().awaitUninterruptibly(deadline.toMillis());
        if (!drained) {
            log.warn("{} connection(s) still busy after {} ms; closing them", clients.size(), deadline.toMillis());
            clients.close().awaitUninterruptibly(1000);
        }
        gateway.connector().closeIdle();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        controlGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        gateway.control().shutdownNow();
        resolvers.close();
    }
}
