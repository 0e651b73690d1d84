package dev.loopgate.testing;

import dev.loopgate.admin.AdminContext;
import dev.loopgate.admin.AdminHandler;
import dev.loopgate.admin.Sessions;
import dev.loopgate.admin.Token;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.ListenAddress;
import dev.loopgate.health.BackendStates;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.metrics.Metrics;
import dev.loopgate.proxy.ExchangeObserver;
import dev.loopgate.proxy.GatewayServer;
import dev.loopgate.registry.Registry;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** A real gateway on 127.0.0.1 and an ephemeral port, configured from YAML text, with a real HTTP client. */
public final class GatewayFixture implements AutoCloseable {
    private final Routes routes;
    private final GatewayServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private GatewayFixture(Routes routes, GatewayServer server) {
        this.routes = routes;
        this.server = server;
    }

    /** The bearer token of fixture gateways. */
    public static final String TOKEN = "test-token";

    private Registry registry;
    private Sessions sessions;
    private AtomicReference<String> configError;

    public static GatewayFixture start(String yaml) throws Exception {
        GatewayConfig config = ConfigLoader.parse(yaml, "test.yaml");
        BackendStates health = new BackendStates(Clock.systemUTC());
        Routes routes = new Routes(RouteTable.build(config, java.util.List.of(), health));
        Registry registry = new Registry(routes, config, null, Clock.systemUTC(), authority -> {}, health);
        AtomicReference<GatewayServer> ref = new AtomicReference<>();
        Metrics metrics = Metrics.forServer(routes, health, ref::get).bindJvmMeters();
        Inspector inspector = new Inspector(Inspector.DEFAULT_CAPACITY, Inspector.DEFAULT_MAX_BYTES);
        Sessions sessions = new Sessions(Clock.systemUTC());
        AtomicReference<String> configError = new AtomicReference<>();
        GatewayServer server = GatewayServer.start(
                routes,
                new ListenAddress("127.0.0.1", 0),
                false,
                new AdminHandler(
                        new AdminContext(
                                routes,
                                registry,
                                Token.of(TOKEN),
                                sessions,
                                health,
                                metrics,
                                inspector,
                                configError::get,
                                registry::shadowed,
                                false,
                                null,
                                () -> new dev.loopgate.proxy.GatewayServer.HttpsStart(0, null)),
                        Clock.systemUTC()),
                ExchangeObserver.both(metrics, inspector));
        ref.set(server);
        GatewayFixture f = new GatewayFixture(routes, server);
        f.registry = registry;
        f.sessions = sessions;
        f.configError = configError;
        return f;
    }

    public void reload(String yaml) throws Exception {
        registry.fileChanged(ConfigLoader.parse(yaml, "test.yaml"));
    }

    /** Dashboard sign-in, to mint login codes as {@code loopgate dashboard} does. */
    public Sessions sessions() {
        return sessions;
    }

    /** What the dashboard shows as the last rejected config edit. */
    public void configError(String error) {
        configError.set(error);
    }

    public Registry registry() {
        return registry;
    }

    public int port() {
        return server.port();
    }

    public GatewayServer server() {
        return server;
    }

    public dev.loopgate.routing.Routes routes() {
        return routes;
    }

    public HttpClient client() {
        return client;
    }

    /** GET {@code path} with {@code Host: host}, sent to the gateway's address. */
    public HttpResponse<String> get(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = request(host, path);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest.Builder request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header("Host", host)
                .timeout(Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        server.close(Duration.ofMillis(500));
    }
}
