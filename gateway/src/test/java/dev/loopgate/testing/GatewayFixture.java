package dev.loopgate.testing;

import dev.loopgate.admin.AdminHandler;
import dev.loopgate.admin.Token;
import dev.loopgate.config.ConfigLoader;
import dev.loopgate.config.GatewayConfig;
import dev.loopgate.config.ListenAddress;
import dev.loopgate.health.HealthStates;
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

    public static GatewayFixture start(String yaml) throws Exception {
        GatewayConfig config = ConfigLoader.parse(yaml, "test.yaml");
        HealthStates health = new HealthStates(Clock.systemUTC());
        Routes routes = new Routes(RouteTable.build(config, java.util.List.of(), health));
        Registry registry = new Registry(routes, config, null, Clock.systemUTC(), authority -> {}, health);
        java.util.concurrent.atomic.AtomicReference<GatewayServer> ref =
                new java.util.concurrent.atomic.AtomicReference<>();
        Metrics metrics = Metrics.forServer(routes, health, ref::get).bindJvmMeters();
        Inspector inspector = new Inspector(Inspector.DEFAULT_CAPACITY, Inspector.DEFAULT_MAX_BYTES);
        GatewayServer server = GatewayServer.start(
                routes,
                new ListenAddress("127.0.0.1", 0),
                false,
                new AdminHandler(routes, registry, Token.of(TOKEN), health, metrics, inspector),
                ExchangeObserver.both(metrics, inspector));
        ref.set(server);
        GatewayFixture f = new GatewayFixture(routes, server);
        f.registry = registry;
        return f;
    }

    public void reload(String yaml) throws Exception {
        registry.fileChanged(ConfigLoader.parse(yaml, "test.yaml"));
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
