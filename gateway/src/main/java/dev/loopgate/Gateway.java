package dev.loopgate;

import dev.loopgate.admin.AdminContext;
import dev.loopgate.admin.AdminHandler;
import dev.loopgate.admin.Sessions;
import dev.loopgate.admin.Token;
import dev.loopgate.config.ConfigException;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.ConfigWatcher;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.HttpsConfig;
import dev.loopgate.config.ListenAddress;
import dev.loopgate.docker.DockerDiscovery;
import dev.loopgate.health.BackendStates;
import dev.loopgate.health.HealthChecker;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.metrics.Metrics;
import dev.loopgate.process.Supervisor;
import dev.loopgate.proxy.ExchangeObserver;
import dev.loopgate.proxy.GatewayServer;
import dev.loopgate.proxy.StartException;
import dev.loopgate.registry.RegistrationStore;
import dev.loopgate.registry.Registry;
import dev.loopgate.resolve.DnsResponder;
import dev.loopgate.resolve.HostsFile;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import dev.loopgate.tls.Certificates;
import dev.loopgate.tls.LocalCa;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running gateway: config, routes, the server and the file watcher, assembled and torn down together. */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Routes routes;
    private final GatewayServer server;
    private final ConfigWatcher watcher;
    private final StateDir stateDir;
    private final Reloads reloads;
    private final long readyMillis;
    private final Registry registry;
    private final Token token;
    private final ScheduledExecutorService leases;
    private final HealthChecker checker;
    private final Sessions sessions;
    private final DnsResponder dns;
    private final DockerDiscovery docker;
    private final Supervisor processes;
    private final GatewayServer.HttpsStart https;

    private Gateway(
            Routes routes,
            GatewayServer server,
            ConfigWatcher watcher,
            StateDir stateDir,
            Reloads reloads,
            Registry registry,
            Token token,
            ScheduledExecutorService leases,
            HealthChecker checker,
            Sessions sessions,
            DnsResponder dns,
            DockerDiscovery docker,
            Supervisor processes,
            GatewayServer.HttpsStart https) {
        this.https = https;
        this.processes = processes;
        this.docker = docker;
        this.checker = checker;
        this.sessions = sessions;
        this.dns = dns;
        this.registry = registry;
        this.token = token;
        this.leases = leases;
        this.routes = routes;
        this.server = server;
        this.watcher = watcher;
        this.stateDir = stateDir;
        this.reloads = reloads;
        long now = System.currentTimeMillis();
        // Read after the bind: loading the management classes must not count against startup.
        this.readyMillis =
                now - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** What happened to config edits since start: how many applied, how many were rejected, and the last error. */
    public static final class Reloads {
        private final java.util.concurrent.atomic.AtomicInteger applied =
                new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger rejected =
                new java.util.concurrent.atomic.AtomicInteger();
        private volatile String lastError;

        public int applied() {
            return applied.get();
        }

        public int rejected() {
            return rejected.get();
        }

        /** The problems of the last rejected edit, or {@code null} when the last edit applied. */
        public String lastError() {
            return lastError;
        }
    }

    /**
     * How to start: the config file (or none), listen overrides, and where state goes.
     *
     * @param httpsPortOverride {@code --https-port}: 0 turns HTTPS off; {@code null} takes {@code https.listen} or the
     *     default (443, falling back to 8443); {@link #HTTPS_ONLY_FROM_FILE} serves HTTPS only when the file asks for
     *     it (gateways embedded in tests, which run many side by side)
     */
    public record Options(
            Path configFile,
            String bindOverride,
            Integer portOverride,
            StateDir stateDir,
            Duration watchInterval,
            Integer httpsPortOverride) {
        public static final int HTTPS_ONLY_FROM_FILE = -1;

        public Options(
                Path configFile, String bindOverride, Integer portOverride, StateDir stateDir, Duration watchInterval) {
            this(configFile, bindOverride, portOverride, stateDir, watchInterval, HTTPS_ONLY_FROM_FILE);
        }
    }

    /** The HTTPS listener the options and the file ask for; {@code listen} is {@code null} when HTTPS is off. */
    static HttpsConfig https(Options options, HttpsConfig file, ListenAddress plain) {
        Integer override = options.httpsPortOverride();
        if (override == null) {
            return file.listenFromFile() ? file : file.withListen(file.listen().withHost(plain.host()), false);
        }
        if (override == 0 || override == Options.HTTPS_ONLY_FROM_FILE && !file.listenFromFile()) {
            return file.withListen(null, false);
        }
        if (override == Options.HTTPS_ONLY_FROM_FILE) {
            return file;
        }
        return file.withListen(file.listen().withHost(plain.host()).withPort(override), true);
    }

    public static Gateway start(Options options) throws ConfigException, StartException {
        GatewayConfig loaded =
                options.configFile() == null ? GatewayConfig.defaults() : ConfigLoader.load(options.configFile());
        ListenAddress listen = loaded.listen();
        if (options.bindOverride() != null) {
            listen = overrideBind(listen, options.bindOverride());
        }
        if (options.portOverride() != null) {
            listen = listen.withPort(options.portOverride());
        }
        Token token = token(options.stateDir());
        BackendStates health = new BackendStates(Clock.systemUTC());
        Supervisor processes = supervisor(options.stateDir(), health);
        GatewayConfig config = processes.assignPorts(loaded);
        Routes routes = new Routes(RouteTable.build(config, java.util.List.of(), health));
        AtomicReference<GatewayServer> serverRef = new AtomicReference<>();
        AtomicReference<GatewayServer.HttpsStart> httpsRef =
                new AtomicReference<>(new GatewayServer.HttpsStart(0, null));
        Registry registry = new Registry(
                routes,
                config,
                new RegistrationStore(options.stateDir().path().resolve("registrations.json")),
                Clock.systemUTC(),
                authority -> {
                    GatewayServer s = serverRef.get();
                    if (s != null) {
                        s.closeIdleBackendConnections(authority);
                    }
                },
                health);
        routes.onSwap(processes::reconcile);
        processes.reconcile(routes.current());
        Metrics metrics = Metrics.forServer(routes, health, serverRef::get);
        Inspector inspector = new Inspector(config.inspectorSize(), Inspector.DEFAULT_MAX_BYTES);
        Sessions sessions = new Sessions(Clock.systemUTC());
        Reloads reloads = new Reloads();
        AtomicReference<DockerDiscovery> dockerRef = new AtomicReference<>();
        AdminContext admin = new AdminContext(
                routes,
                registry,
                token,
                sessions,
                health,
                metrics,
                inspector,
                () -> reloads.lastError,
                () -> notices(registry, dockerRef.get()),
                "1".equals(System.getenv("LOOPGATE_CONTAINER")),
                processes,
                httpsRef::get);
        GatewayServer server = GatewayServer.start(
                routes,
                listen,
                options.portOverride() == null,
                new AdminHandler(admin, Clock.systemUTC()),
                config.inspectorSize() == 0 ? metrics : ExchangeObserver.both(metrics, inspector));
        serverRef.set(server);
        GatewayServer.HttpsStart httpsStart =
                startHttps(server, https(options, config.https(), listen), options, config);
        httpsRef.set(httpsStart);
        server.onDemand(processes);
        HealthChecker checker = new HealthChecker(
                        routes, health, server.prober(), server.healthLoop(), Clock.systemUTC(), metrics::healthCheck)
                .probeOnly(processes::probed)
                .start();
        ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loopgate-leases");
            t.setDaemon(true);
            return t;
        });
        leases.scheduleWithFixedDelay(registry::expireLeases, 250, 250, TimeUnit.MILLISECONDS);
        ConfigWatcher watcher = options.configFile() == null
                ? null
                : watch(options, listen, routes, registry, processes, reloads, metrics);
        if (config.hostsFile() != null) {
            keepHostsFileInSync(routes, config.hostsFile());
        }
        DockerDiscovery docker = config.dockerEndpoint() == null
                ? null
                : DockerDiscovery.start(
                        config.dockerEndpoint(),
                        server.transport(),
                        server.healthLoop(),
                        leases,
                        registry::dockerChanged,
                        () -> routes.current().config().adminHost());
        dockerRef.set(docker);
        DnsResponder dns = config.dnsListen() == null ? null : dns(config.dnsListen(), routes);
        Gateway gateway = new Gateway(
                routes,
                server,
                watcher,
                options.stateDir(),
                reloads,
                registry,
                token,
                leases,
                checker,
                sessions,
                dns,
                docker,
                processes,
                httpsStart);
        metrics.bindJvmMeters();
        gateway.writeState();
        return gateway;
    }

    /**
     * Starts HTTPS with the local CA (created on first use). The default listener never stops loopgate from starting:
     * when its port is taken or the CA cannot be made, plain HTTP serves and the banner says why HTTPS is off.
     */
    private static GatewayServer.HttpsStart startHttps(
            GatewayServer server, HttpsConfig https, Options options, GatewayConfig config) throws StartException {
        if (!https.enabled()) {
            return new GatewayServer.HttpsStart(0, null);
        }
        // The CA is read (or made) off the main thread: the port accepts at once and the first handshake waits for it.
        java.nio.file.Path caDir = options.stateDir().path().resolve("ca");
        java.util.concurrent.CompletableFuture<LocalCa> ca = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return LocalCa.loadOrCreate(caDir, https.names(), Clock.systemUTC());
                    } catch (IOException | java.security.GeneralSecurityException e) {
                        log.error(
                                "HTTPS cannot work: cannot create the local CA in {}: {} (fix it, or remove {})",
                                caDir,
                                e.getMessage(),
                                caDir);
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                CERTIFICATE_ISSUER);
        Certificates certificates = new Certificates(ca, CERTIFICATE_ISSUER, Clock.systemUTC(), config.adminHost());
        try {
            return server.listenHttps(https.listen(), https.listenFromFile(), certificates);
        } catch (StartException e) {
            server.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Where certificates are made: key generation and signing take milliseconds, never on an event loop. Its queue
     * is lock-free, since handshakes hand work over from event loops.
     */
    private static final java.util.concurrent.Executor CERTIFICATE_ISSUER = new java.util.concurrent.ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedTransferQueue<>(), r -> {
                Thread t = new Thread(r, "loopgate-certificates");
                t.setDaemon(true);
                return t;
            });

    private static java.util.List<String> notices(Registry registry, DockerDiscovery docker) {
        java.util.List<String> out = new java.util.ArrayList<>(registry.shadowed());
        if (docker != null) {
            out.addAll(docker.notices());
        }
        return out;
    }

    /** The commands loopgate runs; first, what a gateway that was killed left running is stopped. */
    private static Supervisor supervisor(StateDir stateDir, BackendStates health) throws StartException {
        try {
            return Supervisor.start(stateDir.path(), health, Clock.systemUTC());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while stopping what a previous loopgate left running", e);
        }
    }

    private static Token token(StateDir stateDir) throws StartException {
        try {
            return Token.resolve(System.getenv(), stateDir.path());
        } catch (IOException e) {
            throw new StartException(
                    "cannot create the API token in " + stateDir.path() + ": " + e.getMessage()
                            + " (set LOOPGATE_TOKEN or choose another --state-dir)",
                    e);
        }
    }

    /** Watches the config file: a valid edit is applied, an invalid one reported while the old routes serve. */
    private static ConfigWatcher watch(
            Options options,
            ListenAddress listening,
            Routes routes,
            Registry registry,
            Supervisor processes,
            Reloads reloads,
            Metrics metrics) {
        return new ConfigWatcher(
                        options.configFile(),
                        ConfigWatcher.read(options.configFile()),
                        options.watchInterval(),
                        next -> {
                            apply(routes, registry, processes.assignPorts(next), listening);
                            reloads.lastError = null;
                            reloads.applied.incrementAndGet();
                            metrics.configReload(true);
                        },
                        e -> {
                            reject(e);
                            reloads.lastError = e.getMessage();
                            reloads.rejected.incrementAndGet();
                            metrics.configReload(false);
                        })
                .start();
    }

    /** The DNS responder, or {@code null} with a warning when it cannot listen: names still work in browsers. */
    private static DnsResponder dns(ListenAddress listen, Routes routes) {
        try {
            return DnsResponder.start(listen, routes);
        } catch (Exception e) {
            log.warn("the DNS responder cannot listen on {}: {}", listen, e.getMessage());
            return null;
        }
    }

    /** Writes the served names to the hosts file now and after every route change; problems are logged once. */
    private static void keepHostsFileInSync(Routes routes, java.nio.file.Path file) {
        HostsFile hosts = new HostsFile(file);
        java.util.concurrent.atomic.AtomicReference<String> lastProblem =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Consumer<RouteTable> sync = table -> {
            java.util.List<String> names = new java.util.ArrayList<>();
            names.add(table.config().adminHost());
            table.services().values().forEach(s -> names.addAll(s.config().hosts()));
            try {
                hosts.sync(names);
                lastProblem.set(null);
            } catch (IOException e) {
                if (!e.getMessage().equals(lastProblem.getAndSet(e.getMessage()))) {
                    log.warn("hosts file not updated: {}", e.getMessage());
                }
            }
        };
        routes.onSwap(sync);
        sync.accept(routes.current());
    }

    /** The DNS responder, when {@code dns.listen} is set and it could start. */
    public DnsResponder dns() {
        return dns;
    }

    /** {@code --bind} takes an address ({@code 0.0.0.0}, {@code ::1}) or an address with port ({@code [::1]:8080}). */
    static ListenAddress overrideBind(ListenAddress listen, String bind) {
        String b = bind.trim();
        boolean bracketed = b.startsWith("[");
        boolean hasPort = bracketed ? b.matches("\\[[^]]+]:\\d+") : b.matches("[^:]*:\\d+");
        if (hasPort) {
            return ListenAddress.parse(b);
        }
        return listen.withHost(bracketed ? b.substring(1, b.length() - 1) : b);
    }

    private static void apply(Routes routes, Registry registry, GatewayConfig next, ListenAddress listening) {
        GatewayConfig old = routes.current().config();
        registry.fileChanged(next);
        Set<String> added = new HashSet<>(next.services().keySet());
        added.removeAll(old.services().keySet());
        Set<String> removed = new HashSet<>(old.services().keySet());
        removed.removeAll(next.services().keySet());
        log.info(
                "config reloaded from {}: {} service(s){}{}",
                next.source(),
                next.services().size(),
                added.isEmpty() ? "" : ", added " + String.join(", ", added),
                removed.isEmpty() ? "" : ", removed " + String.join(", ", removed));
        if (next.listenFromFile() && !next.listen().host().equals(listening.host())
                || next.listenFromFile() && next.listen().port() != listening.port() && listening.port() != 0) {
            log.warn(
                    "listen changed to {}; restart loopgate to apply it (still listening on {})",
                    next.listen(),
                    listening);
        }
    }

    private static void reject(ConfigException e) {
        log.error("config not applied, the previous routes keep serving:\n{}", e.getMessage());
    }

    private void writeState() {
        if (stateDir == null) {
            return;
        }
        try {
            stateDir.writeGateway("http://" + hostForUrl() + ":" + port(), adminUrl(), port(), httpsPort());
        } catch (IOException e) {
            log.warn("cannot write {}: {} (the CLI will need --gateway)", stateDir.gatewayFile(), e.getMessage());
        }
    }

    private String hostForUrl() {
        String host = server.address().getAddress().getHostAddress();
        if (server.address().getAddress().isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    public int port() {
        return server.port();
    }

    /** The HTTPS port, 0 when HTTPS is off. */
    public int httpsPort() {
        return https.port();
    }

    public Reloads reloads() {
        return reloads;
    }

    public GatewayServer server() {
        return server;
    }

    public Routes routes() {
        return routes;
    }

    public String adminUrl() {
        return url(routes.current().config().adminHost(), "/");
    }

    /** A URL for a host on this gateway, with the port unless it is 80. */
    public String url(String host, String path) {
        return "http://" + host + (port() == 80 ? "" : ":" + port()) + path;
    }

    /** The startup banner: where it listens, the admin URL and every routed URL. */
    public String banner() {
        StringBuilder b = new StringBuilder();
        b.append("loopgate listening on http://")
                .append(hostForUrl())
                .append(':')
                .append(port())
                .append(httpsPort() == 0 ? "" : " and https://" + hostForUrl() + ":" + httpsPort())
                .append(" (")
                .append(server.transportName())
                .append(readyMillis >= 0 ? ", ready in " + readyMillis + " ms" : "")
                .append(")\n");
        if (server.fallbackNote() != null) {
            b.append("note: ").append(server.fallbackNote()).append('\n');
        }
        if (https.note() != null) {
            b.append("note: ").append(https.note()).append('\n');
        }
        GatewayConfig config = routes.current().config();
        b.append("  config  ").append(config.source()).append('\n');
        b.append("  admin   ").append(adminUrl()).append('\n');
        b.append("  sign in ").append(dashboardLoginUrl()).append(" (once; 'loopgate dashboard' prints a new one)\n");
        routes.current().urls(port(), httpsPort()).forEach((name, urls) -> {
            for (String u : urls) {
                b.append(String.format(
                        "  %-7s %s -> %s%n",
                        name,
                        u,
                        String.join(
                                ", ",
                                routes.current().services().get(name).backends().stream()
                                        .map(e -> e.url().toString())
                                        .toList())));
            }
        });
        if (routes.current().services().isEmpty()) {
            b.append("  no services yet: add e.g. 'services: { web: 5173 }' to the config file\n");
        }
        return b.toString();
    }

    /** A one-time URL that signs a browser in to the dashboard. */
    public String dashboardLoginUrl() {
        return adminUrl() + "login?code=" + sessions.newLoginCode();
    }

    /** Every backend's health, and who waits for a service to come up. */
    public BackendStates health() {
        return registry.health();
    }

    public Registry registry() {
        return registry;
    }

    public Token token() {
        return token;
    }

    @Override
    public void close() {
        if (docker != null) {
            docker.close();
        }
        if (dns != null) {
            dns.close();
        }
        leases.shutdownNow();
        checker.close();
        if (watcher != null) {
            watcher.close();
        }
        server.close();
        processes.close();
        if (stateDir != null) {
            stateDir.removeGateway();
        }
    }
}
