package dev.loopgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.config.ServiceConfig;
import dev.loopgate.health.BackendHealth;
import dev.loopgate.health.HealthStates;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.metrics.Metrics;
import dev.loopgate.proxy.AdminRequests;
import dev.loopgate.registry.Registration;
import dev.loopgate.registry.Registry;
import dev.loopgate.registry.RegistryException;
import dev.loopgate.routing.BackendEntry;
import dev.loopgate.routing.RouteTable;
import dev.loopgate.routing.Routes;
import dev.loopgate.routing.ServiceEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The admin host: {@code /healthz}, the service list and registration API under {@code /api/v1}, and an overview page.
 * Reads need no token, changes need the bearer token; any request that carries a foreign {@code Origin} is refused,
 * so other web pages can neither read nor change anything (HTTP-BAR "Localhost security").
 */
public final class AdminHandler implements AdminRequests {
    private static final String SERVICES = "/api/v1/services";

    private final Routes routes;
    private final Registry registry;
    private final Token token;
    private final HealthStates health;
    private final Metrics metrics;
    private final Inspector inspector;
    private static final String REQUESTS = "/api/v1/requests";

    public AdminHandler(
            Routes routes, Registry registry, Token token, HealthStates health, Metrics metrics, Inspector inspector) {
        this.inspector = inspector;
        this.health = health;
        this.metrics = metrics;
        this.routes = routes;
        this.registry = registry;
        this.token = token;
    }

    @Override
    public FullHttpResponse handle(HttpRequest request, ByteBuf body, int gatewayPort, ByteBufAllocator alloc) {
        RouteTable table = routes.current();
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !Origins.isLocal(origin, table.config().adminHost())) {
            return json(
                    alloc,
                    HttpResponseStatus.FORBIDDEN,
                    error("requests from other origins are not allowed", "Origin"));
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
            return switch (path) {
                case "/healthz" -> text(alloc, HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8");
                case "/metrics" -> text(
                        alloc, HttpResponseStatus.OK, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
                case SERVICES -> json(alloc, HttpResponseStatus.OK, services(table, gatewayPort, health));
                case "/" -> text(
                        alloc,
                        HttpResponseStatus.OK,
                        OverviewPage.render(table, gatewayPort),
                        "text/html; charset=utf-8");
                default -> path.equals(REQUESTS) || path.startsWith(REQUESTS + "/")
                        ? requests(request, path, alloc)
                        : json(alloc, HttpResponseStatus.NOT_FOUND, error("no admin endpoint " + path, null));
            };
        }
        boolean clearRequests = method.equals(HttpMethod.DELETE) && path.equals(REQUESTS);
        if (!path.startsWith(SERVICES + "/") && !clearRequests) {
            return json(
                    alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, error(method + " is not supported on " + path, null));
        }
        if (!token.matches(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse res = json(
                    alloc,
                    HttpResponseStatus.UNAUTHORIZED,
                    error(
                            "changes need 'Authorization: Bearer <token>' (the token is $LOOPGATE_TOKEN or the file 'token'"
                                    + " in the state directory)",
                            "Authorization"));
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return res;
        }
        if (clearRequests) {
            inspector.clear();
            return empty(alloc);
        }
        String[] parts = path.substring(SERVICES.length() + 1).split("/", -1);
        try {
            if (method.equals(HttpMethod.PUT) && parts.length == 3 && parts[1].equals("backends")) {
                return register(decode(parts[0]), decode(parts[2]), body, table, alloc);
            }
            if (method.equals(HttpMethod.DELETE) && parts.length == 3 && parts[1].equals("backends")) {
                return deregister(decode(parts[0]), decode(parts[2]), alloc);
            }
            if (method.equals(HttpMethod.DELETE) && parts.length == 1) {
                return deregisterService(decode(parts[0]), alloc);
            }
        } catch (RegistryException e) {
            return json(alloc, HttpResponseStatus.valueOf(e.status()), error(e.getMessage(), e.field()));
        }
        return json(
                alloc,
                HttpResponseStatus.NOT_FOUND,
                error(
                        "no admin endpoint " + method + " " + path + "; see PUT/DELETE " + SERVICES
                                + "/{service}/backends/{id} and DELETE " + SERVICES + "/{service}",
                        null));
    }

    /** {@code GET /api/v1/requests[?service=&status=5xx&limit=]} and {@code GET /api/v1/requests/{id}}. */
    private FullHttpResponse requests(HttpRequest request, String path, ByteBufAllocator alloc) {
        if (!path.equals(REQUESTS)) {
            String id = path.substring(REQUESTS.length() + 1);
            Inspector.Entry e = id.matches("\\d{1,18}") ? inspector.get(Long.parseLong(id)) : null;
            return e == null
                    ? json(
                            alloc,
                            HttpResponseStatus.NOT_FOUND,
                            error(
                                    "no recorded request " + id + " (the inspector keeps the last "
                                            + Inspector.DEFAULT_CAPACITY + ")",
                                    "id"))
                    : json(alloc, HttpResponseStatus.OK, InspectorJson.detail(e));
        }
        Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
        String status = first(q, "status");
        if (status != null && !status.matches("[0-5]xx")) {
            return json(alloc, HttpResponseStatus.BAD_REQUEST, error("status must be a class such as 5xx", "status"));
        }
        String limit = first(q, "limit");
        int n = limit != null && limit.matches("\\d{1,4}") ? Math.max(1, Integer.parseInt(limit)) : 100;
        return json(alloc, HttpResponseStatus.OK, InspectorJson.list(inspector.recent(first(q, "service"), status, n)));
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private FullHttpResponse register(String service, String id, ByteBuf body, RouteTable table, ByteBufAllocator alloc)
            throws RegistryException {
        JsonNode json;
        try {
            json = body.isReadable()
                    ? dev.loopgate.Json.mapper().readTree(body.toString(StandardCharsets.UTF_8))
                    : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryException(400, null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        Registration r =
                RegistrationRequest.parse(service, id, json, table.config().adminHost(), registry.now());
        Registry.Outcome outcome = registry.register(r);
        ObjectNode n = dev.loopgate.Json.mapper().createObjectNode();
        n.put("service", r.service());
        n.put("id", r.id());
        n.put("url", r.url().toString());
        if (r.expiresAt() == null) {
            n.putNull("lease_expires_at");
        } else {
            n.put("lease_expires_at", r.expiresAt().toString());
        }
        n.put("result", outcome == Registry.Outcome.CREATED ? "created" : "renewed");
        return json(alloc, outcome == Registry.Outcome.CREATED ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, n);
    }

    private FullHttpResponse deregister(String service, String id, ByteBufAllocator alloc) throws RegistryException {
        if (!registry.deregister(service, id)) {
            throw new RegistryException(404, "id", "service '" + service + "' has no API backend '" + id + "'");
        }
        return empty(alloc);
    }

    private FullHttpResponse deregisterService(String service, ByteBufAllocator alloc) throws RegistryException {
        if (registry.deregisterService(service) == 0) {
            throw new RegistryException(404, "service", "service '" + service + "' has no API backends");
        }
        return empty(alloc);
    }

    private static String decode(String segment) {
        return QueryStringDecoder.decodeComponent(segment);
    }

    private static FullHttpResponse empty(ByteBufAllocator alloc) {
        FullHttpResponse res =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, alloc.buffer(0));
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    static ObjectNode services(RouteTable table, int port, HealthStates health) {
        ObjectNode root = dev.loopgate.Json.mapper().createObjectNode();
        ArrayNode list = root.putArray("services");
        Map<String, List<String>> urls = table.urls(port);
        for (ServiceEntry e : table.services().values()) {
            ServiceConfig s = e.config();
            ObjectNode n = list.addObject();
            n.put("name", s.name());
            s.hosts().forEach(n.putArray("hosts")::add);
            s.paths().forEach(n.putArray("paths")::add);
            n.put("strip_prefix", s.stripPrefix());
            n.put("source", e.source());
            urls.get(s.name()).forEach(n.putArray("urls")::add);
            ArrayNode backends = n.putArray("backends");
            for (BackendEntry b : e.backends()) {
                ObjectNode bn = backends.addObject();
                bn.put("id", b.id());
                bn.put("url", b.url().toString());
                bn.put("source", b.source());
                BackendHealth h = health.of(s.name(), b.id());
                bn.put("health", h.status().label());
                if (h.lastCheck() == null) {
                    bn.putNull("last_check");
                } else {
                    bn.put("last_check", h.lastCheck().toString());
                }
                if (h.lastError() == null) {
                    bn.putNull("last_error");
                } else {
                    bn.put("last_error", h.lastError());
                }
                if (h.latencyMicros() >= 0) {
                    bn.put("latency_ms", h.latencyMicros() / 1000.0);
                }
                if (b.leaseExpiresAt() == null) {
                    bn.putNull("lease_expires_at");
                } else {
                    bn.put("lease_expires_at", b.leaseExpiresAt().toString());
                }
            }
        }
        return root;
    }

    private static ObjectNode error(String message, String field) {
        ObjectNode n = dev.loopgate.Json.mapper().createObjectNode();
        n.put("error", message);
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }

    private static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, ObjectNode body) {
        return text(alloc, status, body.toString() + "\n", "application/json");
    }

    private static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status, String body, String type) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, alloc.buffer(bytes.length).writeBytes(bytes));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        return res;
    }
}
