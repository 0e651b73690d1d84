package dev.loopgate.admin;

import static dev.loopgate.admin.Responses.error;
import static dev.loopgate.admin.Responses.json;
import static dev.loopgate.admin.Responses.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.Json;
import dev.loopgate.inspector.Inspector;
import dev.loopgate.process.OutputLog;
import dev.loopgate.process.ProcessStatus;
import dev.loopgate.process.Supervisor;
import dev.loopgate.proxy.AdminRequests;
import dev.loopgate.registry.Registration;
import dev.loopgate.registry.Registry;
import dev.loopgate.registry.RegistryException;
import dev.loopgate.routing.RouteTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The admin host: the dashboard and its live stream, {@code /healthz}, {@code /metrics}, the service list and
 * registration API under {@code /api/v1}, the request inspector and dashboard sign-in. Reads need no token; changes
 * need the bearer token, or a signed-in dashboard's cookie together with the admin host's own {@code Origin}. Any
 * request that carries a foreign {@code Origin} is refused, so other web pages can neither read nor change anything
 * (HTTP-BAR "Localhost security").
 */
public final class AdminHandler implements AdminRequests {
    private static final String SERVICES = "/api/v1/services";
    private static final String REQUESTS = "/api/v1/requests";
    static final String STREAM = "/api/v1/stream";
    private static final Map<String, Supervisor.Action> ACTIONS = Map.of(
            "start", Supervisor.Action.START, "stop", Supervisor.Action.STOP, "restart", Supervisor.Action.RESTART);

    private final AdminContext admin;
    private final SignIn signIn;
    private final DashboardAssets assets = new DashboardAssets();
    private final Clock clock;

    public AdminHandler(AdminContext admin, Clock clock) {
        this.admin = admin;
        this.signIn = new SignIn(admin.sessions());
        this.clock = clock;
    }

    @Override
    public Stream openStream(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        boolean local = origin == null
                || Origins.isLocal(origin, admin.routes().current().config().adminHost());
        return local
                        && request.method().equals(HttpMethod.GET)
                        && new QueryStringDecoder(request.uri()).path().equals(STREAM)
                ? new DashboardStream(admin, clock)
                : null;
    }

    @Override
    public FullHttpResponse handle(HttpRequest request, ByteBuf body, int gatewayPort, ByteBufAllocator alloc) {
        RouteTable table = admin.routes().current();
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
            return read(request, path, table, gatewayPort, alloc);
        }
        boolean clearRequests = method.equals(HttpMethod.DELETE) && path.equals(REQUESTS);
        if (method.equals(HttpMethod.DELETE) && path.equals(SignIn.SESSION)) {
            return signIn.signOut(request, alloc);
        }
        boolean newCode = method.equals(HttpMethod.POST) && path.equals(SignIn.CODES);
        if (!path.startsWith(SERVICES + "/") && !clearRequests && !newCode) {
            return json(
                    alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, error(method + " is not supported on " + path, null));
        }
        boolean bearer = admin.token().matches(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (newCode && bearer) {
            return signIn.newCode(adminUrl(table, gatewayPort), alloc);
        }
        if (newCode || !bearer && !signedInFromDashboard(request, table, gatewayPort)) {
            return unauthorized(alloc);
        }
        if (clearRequests) {
            admin.inspector().clear();
            return empty(alloc);
        }
        return change(method, path, body, table, alloc);
    }

    private FullHttpResponse read(
            HttpRequest request, String path, RouteTable table, int gatewayPort, ByteBufAllocator alloc) {
        return switch (path) {
            case "/healthz" -> text(alloc, HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8");
            case "/metrics" -> text(
                    alloc, HttpResponseStatus.OK, admin.metrics().scrape(), "text/plain; version=0.0.4; charset=utf-8");
            case SERVICES -> json(
                    alloc,
                    HttpResponseStatus.OK,
                    ServicesJson.withNotices(
                                    ServicesJson.withProcesses(
                                            ServicesJson.of(
                                                    table,
                                                    gatewayPort,
                                                    admin.httpsPort(),
                                                    admin.health(),
                                                    admin.registry()::leaseExpiry),
                                            admin.processes()),
                                    admin.notices().get())
                            .set("https", https()));
            case SignIn.SESSION -> signIn.status(request, alloc);
            case SignIn.LOGIN -> signIn.login(request, alloc);
            case STREAM -> json(
                    alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, error("open the event stream with GET", null));
            default -> {
                if (assets.serves(path)) {
                    yield assets.get(path, alloc);
                }
                if (path.startsWith(SERVICES + "/") && path.endsWith("/logs")) {
                    yield logs(request, decode(path.substring(SERVICES.length() + 1, path.length() - 5)), table, alloc);
                }
                yield path.equals(REQUESTS) || path.startsWith(REQUESTS + "/")
                        ? requests(request, path, alloc)
                        : json(alloc, HttpResponseStatus.NOT_FOUND, error("no admin endpoint " + path, null));
            }
        };
    }

    /** A dashboard page changes state with its session cookie; its own Origin proves the page sent it. */
    private boolean signedInFromDashboard(HttpRequest request, RouteTable table, int gatewayPort) {
        return Origins.isAdmin(
                        request.headers().get(HttpHeaderNames.ORIGIN),
                        table.config().adminHost(),
                        gatewayPort,
                        admin.httpsPort())
                && admin.sessions().isSignedIn(request.headers().get(HttpHeaderNames.COOKIE));
    }

    private static FullHttpResponse unauthorized(ByteBufAllocator alloc) {
        FullHttpResponse res = json(
                alloc,
                HttpResponseStatus.UNAUTHORIZED,
                error(
                        "changes need 'Authorization: Bearer <token>' (the token is $LOOPGATE_TOKEN or the file 'token'"
                                + " in the state directory), or a dashboard signed in with 'loopgate dashboard'",
                        "Authorization"));
        res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        return res;
    }

    private FullHttpResponse change(
            HttpMethod method, String path, ByteBuf body, RouteTable table, ByteBufAllocator alloc) {
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
            if (method.equals(HttpMethod.POST) && parts.length == 2 && ACTIONS.containsKey(parts[1])) {
                return act(decode(parts[0]), ACTIONS.get(parts[1]), table, alloc);
            }
        } catch (RegistryException e) {
            return json(alloc, HttpResponseStatus.valueOf(e.status()), error(e.getMessage(), e.field()));
        }
        return json(
                alloc,
                HttpResponseStatus.NOT_FOUND,
                error(
                        "no admin endpoint " + method + " " + path + "; see PUT/DELETE " + SERVICES
                                + "/{service}/backends/{id}, DELETE " + SERVICES + "/{service} and POST " + SERVICES
                                + "/{service}/start|stop|restart",
                        null));
    }

    /** {@code POST /api/v1/services/{service}/start|stop|restart}: 202, the command's status as it was. */
    private FullHttpResponse act(String service, Supervisor.Action action, RouteTable table, ByteBufAllocator alloc) {
        FullHttpResponse notRun = unlessRun(service, table, alloc);
        if (notRun != null) {
            return notRun;
        }
        ProcessStatus before = admin.processes().act(service, action);
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("service", service);
        n.put("action", action.name().toLowerCase(java.util.Locale.ROOT));
        ProcessJson.put(n.putObject("process"), before);
        return json(alloc, HttpResponseStatus.ACCEPTED, n);
    }

    /** {@code GET /api/v1/services/{service}/logs[?n=100][&after=SEQ]}: the command's last output lines. */
    private FullHttpResponse logs(HttpRequest request, String service, RouteTable table, ByteBufAllocator alloc) {
        FullHttpResponse notRun = unlessRun(service, table, alloc);
        if (notRun != null) {
            return notRun;
        }
        Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
        long after;
        int n;
        try {
            after = q.containsKey("after") ? Long.parseLong(q.get("after").get(0)) : -1;
            n = q.containsKey("n") ? Integer.parseInt(q.get("n").get(0)) : 100;
        } catch (NumberFormatException e) {
            return json(alloc, HttpResponseStatus.BAD_REQUEST, error("n and after must be whole numbers", "n"));
        }
        if (n < 1 || n > OutputLog.MAX_LINES) {
            return json(
                    alloc,
                    HttpResponseStatus.BAD_REQUEST,
                    error("n must be from 1 to " + OutputLog.MAX_LINES + ", got " + n, "n"));
        }
        OutputLog output = admin.processes().output(service);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("service", service);
        ProcessJson.lines(body, after >= 0 ? output.after(after) : output.tail(n), after);
        return json(alloc, HttpResponseStatus.OK, body);
    }

    /** 404 for a service nobody routes, 409 for one whose command loopgate does not run; {@code null} otherwise. */
    private FullHttpResponse unlessRun(String service, RouteTable table, ByteBufAllocator alloc) {
        if (admin.processes() != null && admin.processes().runs(service)) {
            return null;
        }
        if (table.routeFor(service) == null) {
            return json(alloc, HttpResponseStatus.NOT_FOUND, error("no service '" + service + "' is routed", null));
        }
        return json(
                alloc,
                HttpResponseStatus.CONFLICT,
                error(
                        "loopgate does not run a command for service '" + service
                                + "'; give it a 'command:' in the config file to have it started, stopped and logged",
                        null));
    }

    private static String adminUrl(RouteTable table, int port) {
        return "http://" + table.config().adminHost() + (port == 80 ? "" : ":" + port) + "/";
    }

    /** {@code GET /api/v1/requests[?service=&status=5xx&limit=]} and {@code GET /api/v1/requests/{id}}. */
    private FullHttpResponse requests(HttpRequest request, String path, ByteBufAllocator alloc) {
        if (!path.equals(REQUESTS)) {
            String id = path.substring(REQUESTS.length() + 1);
            Inspector.Entry e = id.matches("\\d{1,18}") ? admin.inspector().get(Long.parseLong(id)) : null;
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
        return json(
                alloc,
                HttpResponseStatus.OK,
                InspectorJson.list(admin.inspector().recent(first(q, "service"), status, n)));
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private FullHttpResponse register(String service, String id, ByteBuf body, RouteTable table, ByteBufAllocator alloc)
            throws RegistryException {
        JsonNode json;
        try {
            json = body.isReadable() ? Json.mapper().readTree(body.toString(StandardCharsets.UTF_8)) : null;
        } catch (JsonProcessingException e) {
            throw new RegistryException(400, null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        Registration r = RegistrationRequest.parse(
                service, id, json, table.config().adminHost(), admin.registry().now());
        Registry.Outcome outcome = admin.registry().register(r);
        ObjectNode n = Json.mapper().createObjectNode();
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
        if (!admin.registry().deregister(service, id)) {
            throw new RegistryException(404, "id", "service '" + service + "' has no API backend '" + id + "'");
        }
        return empty(alloc);
    }

    private FullHttpResponse deregisterService(String service, ByteBufAllocator alloc) throws RegistryException {
        if (admin.registry().deregisterService(service) == 0) {
            throw new RegistryException(404, "service", "service '" + service + "' has no API backends");
        }
        return empty(alloc);
    }

    private static String decode(String segment) {
        return QueryStringDecoder.decodeComponent(segment);
    }

    private static FullHttpResponse empty(ByteBufAllocator alloc) {
        return Responses.empty(alloc, HttpResponseStatus.NO_CONTENT);
    }

    /** {@code https} in {@code /api/v1/services}: its port (0: off) and, when set, why it is off or elsewhere. */
    private com.fasterxml.jackson.databind.node.ObjectNode https() {
        dev.loopgate.proxy.GatewayServer.HttpsStart h = admin.https().get();
        com.fasterxml.jackson.databind.node.ObjectNode n =
                dev.loopgate.Json.mapper().createObjectNode();
        n.put("port", h.port());
        if (h.note() != null) {
            n.put("note", h.note());
        }
        return n;
    }
}
