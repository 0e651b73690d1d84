package dev.loopgate.proxy;

import dev.loopgate.config.GatewayConfig;
import dev.loopgate.process.OnDemand;
import dev.loopgate.routing.Routes;
import io.netty.channel.group.ChannelGroup;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one running gateway shares: routes, backend pools, the admin host, drain state. */
final class GatewayContext {
    private final Routes routes;
    private final BackendConnector connector;
    private final Backends backends;
    private final RefusalDiagnosis refusals;
    // A lock-free queue: handing an admin request over never parks the event loop, even while the admin thread is
    // taking the previous one (a LinkedBlockingQueue's offer can wait on its lock).
    private final ExecutorService control =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedTransferQueue<>(), r -> {
                Thread t = new Thread(r, "loopgate-admin");
                t.setDaemon(true);
                return t;
            });
    private final AdminRequests admin;
    private final ChannelGroup clients;
    private final ExchangeObserver observer;
    private final AtomicInteger streams = new AtomicInteger();
    private volatile OnDemand onDemand = OnDemand.NONE;
    private volatile boolean draining;
    private volatile int port;
    private volatile int httpsPort;

    GatewayContext(
            Routes routes,
            BackendConnector connector,
            AdminRequests admin,
            ChannelGroup clients,
            ExchangeObserver observer) {
        this(routes, connector, connector, admin, clients, observer);
    }

    /** With {@code backends} other than the connector: exchanges under test get their connections from a stand-in. */
    GatewayContext(
            Routes routes,
            BackendConnector connector,
            Backends backends,
            AdminRequests admin,
            ChannelGroup clients,
            ExchangeObserver observer) {
        this.observer = observer;
        this.routes = routes;
        this.connector = connector;
        this.backends = backends;
        this.refusals = new RefusalDiagnosis(connector, System::nanoTime);
        this.admin = admin;
        this.clients = clients;
    }

    Routes routes() {
        return routes;
    }

    GatewayConfig config() {
        return routes.current().config();
    }

    BackendConnector connector() {
        return connector;
    }

    /** Where exchanges get backend connections. */
    Backends backends() {
        return backends;
    }

    /**
     * Takes one of the {@link ClientConnection#MAX_STREAMS} places for a live admin stream (dashboard, event stream),
     * given back when {@code ch} closes; {@code false} when all are taken. Each open stream holds a connection and
     * its buffers, and without a bound 2,000 dashboard tabs grew the process by half a gigabyte.
     */
    boolean openStream(io.netty.channel.Channel ch) {
        if (streams.incrementAndGet() > ClientConnection.MAX_STREAMS) {
            streams.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(f -> streams.decrementAndGet());
        return true;
    }

    int openStreams() {
        return streams.get();
    }

    /**
     * The thread for control-plane work that the event loops hand off: admin requests (registry changes, their
     * fsync, hosts-file writes) and the dashboard's figures. The loops only move bytes.
     */
    ExecutorService control() {
        return control;
    }

    /** The commands loopgate runs for services that have one. */
    OnDemand onDemand() {
        return onDemand;
    }

    void onDemand(OnDemand d) {
        onDemand = d;
    }

    RefusalDiagnosis refusals() {
        return refusals;
    }

    AdminRequests admin() {
        return admin;
    }

    ExchangeObserver observer() {
        return observer;
    }

    ChannelGroup clients() {
        return clients;
    }

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }

    /** The ports a dev server cannot have moved to: the gateway's own and those routes already use. */
    Set<Integer> takenPorts() {
        Set<Integer> taken = new HashSet<>();
        taken.add(port);
        taken.add(httpsPort);
        routes.current().services().values().forEach(s -> s.backends()
                .forEach(b -> taken.add(b.url().port())));
        return taken;
    }

    /** The admin host's event stream for a service, as a browser on this machine reaches it. */
    String eventsUrl(String service) {
        return "http://" + config().adminHost() + (port == 80 ? "" : ":" + port) + "/api/v1/events?service=" + service;
    }

    int port() {
        return port;
    }

    /** The HTTPS port, 0 while HTTPS is off. */
    int httpsPort() {
        return httpsPort;
    }

    void httpsPort(int p) {
        httpsPort = p;
    }

    void port(int p) {
        port = p;
    }
}
